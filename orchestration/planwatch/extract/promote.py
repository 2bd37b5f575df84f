"""`planwatch promote`: a reviewed draft becomes input, explicitly, never silently.

The draft folder (raw/extracted/<document>/) must meet the raw/plans contract as it stands; it is then copied to
raw/plans/<document>/ (without its report). An existing document is replaced only when asked to.
"""

import shutil
from pathlib import Path

from planwatch.raw_files import RawFileError, read_plan_document


class PromoteError(RuntimeError):
    pass


def promote(draft: Path, plans_dir: Path, replace: bool = False) -> Path:
    draft = draft.resolve()
    if not (draft / "manifest.json").is_file():
        raise PromoteError(f"{draft}: no manifest.json - not an extracted document folder")
    try:
        document = read_plan_document(draft)
    except RawFileError as error:
        raise PromoteError(f"the draft does not meet the raw/plans contract: {error}") from error
    target = plans_dir.resolve() / draft.name
    if target.parent != plans_dir.resolve():
        raise PromoteError(f"{draft.name!r} is not a plain folder name")
    if target.exists() and not replace:
        raise PromoteError(f"{target} exists; pass --replace to overwrite the reviewed tables")
    staging = plans_dir / f".{draft.name}.promoting"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for loaded in document.files:
        shutil.copy2(loaded.path, staging / loaded.path.name)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target
