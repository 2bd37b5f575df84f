"""`planwatch promote`: a reviewed draft becomes input, explicitly, never silently.

The draft folder (raw/extracted/<document>/) must meet the raw/plans contract as it stands; it is then copied to
raw/plans/<document>/ (without its report). An existing document is replaced only when asked to.
"""

import json
import shutil
from pathlib import Path

from planwatch.contract import RawFileError, manifest_problems, read_plan_document


class PromoteError(RuntimeError):
    pass


def promote(draft: Path, plans_dir: Path, replace: bool = False) -> Path:
    draft = draft.resolve()
    if not (draft / "manifest.json").is_file():
        raise PromoteError(f"{draft}: no manifest.json - not an extracted document folder")
    problems = _manifest_problems(draft / "manifest.json")
    if problems:
        raise PromoteError(
            f"{draft / 'manifest.json'}: fill in or correct, then promote again (report.md says "
            "what each guess rests on):\n" + "\n".join(f"  - {c}: {m}" for c, m in problems)
        )
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


def _manifest_problems(path: Path) -> list[tuple[str, str]]:
    """Every problem of the draft's manifest at once (the contract's own rules, `contract.manifest_problems`); a
    file that is not JSON is left to the contract reader, which names the line."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    return manifest_problems(manifest, path) if isinstance(manifest, dict) else []
