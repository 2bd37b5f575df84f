"""Rules on the text of any cell and on the files themselves: what nobody can see is refused, side files are
not inputs, a link out of raw/ is never read; field types."""

import re
import unicodedata
from pathlib import Path

from planwatch.contract.errors import RawFileError

REGION_CODE = re.compile(r"\d{6}")
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# Characters nobody can see: control characters (a line break and a tab excepted), and format characters such as
# the zero-width space and joiners, the word joiner, a BOM inside the text, direction overrides.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Spaces that look like no space, or like an ordinary one, inside a key: 空气质量\u3000优良率 would be another figure.
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Files that tools leave beside the real ones: macOS resource forks (._x.csv), Office lock and owner files
# (~$x.xlsx, .~lock.x.csv#), hidden files. They are never inputs: ignored, and listed in the summary.
_SIDE_FILE = re.compile(r"^(?:\.(?!\.)|~\$)|^(?:Thumbs\.db|desktop\.ini)$", re.IGNORECASE)


def is_side_file(path: Path) -> bool:
    return bool(_SIDE_FILE.search(path.name))


def check_inside(path: Path, raw_root: Path) -> None:
    """Refuse a link that leads out of raw/ before anything reads it: the inputs are what raw/ holds."""
    if not resolves_inside(path, raw_root):
        raise RawFileError(path, f"is a link to {path.resolve()}, outside raw/: not read")


def resolves_inside(path: Path, raw_root: Path) -> bool:
    return path.resolve().is_relative_to(raw_root.resolve())


def check_text(path: Path, text: str, row: int | None, column: str, key: bool = False) -> None:
    """Refuse what cannot be seen: a control or format character anywhere; in a key, an odd space inside."""
    invisible = _INVISIBLE.search(text)
    if invisible:
        raise RawFileError(
            path,
            f"expected visible text, found the invisible character {_describe(invisible.group())}"
            f" at position {invisible.start() + 1} of {text!r}",
            row=row,
            column=column,
        )
    odd = _ODD_SPACE.search(text.strip()) if key else None
    if odd:
        raise RawFileError(
            path,
            f"expected no {_describe(odd.group())} inside a name that identifies a figure "
            f"(it would make {text!r} another name than the same words without it)",
            row=row,
            column=column,
        )


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def whole_number(path: Path, value: str, row: int | None, column: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"\d+", value or ""):
        raise RawFileError(path, f"expected a whole number, got {value!r}", row=row, column=column)
    number = int(value)
    if not lo <= number <= hi:
        raise RawFileError(path, f"{number} is outside {lo}..{hi}", row=row, column=column)
    return number


def is_kind(value, kind) -> bool:
    """isinstance, except that true/false is no whole number (JSON booleans are ints to Python)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def kind_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", int: "a whole number", list: "a list", type(None): "null"}[k] for k in kinds)
