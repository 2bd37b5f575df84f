"""Traditional characters: a page mirrored in traditional characters (or converted from big5) is read in simplified
form, so that one grammar (headings, time phrases, value words, the gazetteer's names) reads every page, and every
cell is written back as published.

The simplified text has the same length as the published one, character for character, so a cell cut out of the
simplified text is restored by its position: `Script.restore`.
"""

from collections import Counter
from functools import cache
from pathlib import Path

# Characters of running Chinese text, in simplified form: the decoding that yields more of them is the right one.
_COMMON = set(
    "的一是在不了有和人这中大为上个国以要时来用们生到作地于出就分对成会可主发年动同工也能下过子产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气"
    "第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处府研标准牌规划"
)


@cache
def _converter():
    import opencc  # only needed for a page that is not plain simplified text

    return opencc.OpenCC("t2s")


def read_text(path: Path) -> str:
    """A saved page's text: UTF-8, else GB18030 (a superset of GBK/GB2312) or Big5, whichever decodes strictly and
    reads as more ordinary Chinese text; bytes that decode as neither are replaced (and so visible in a cell)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    decoded = []
    for encoding in ("gb18030", "big5"):
        try:
            decoded.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not decoded:
        return data.decode("utf-8", errors="replace")
    return max(decoded, key=_ordinary_chinese)


def _ordinary_chinese(text: str) -> int:
    simplified = to_simplified(text)
    return sum(ch in _COMMON for ch in simplified)


def to_simplified(text: str) -> str:
    """`text` in simplified characters, of the same length: OpenCC's phrase-aware conversion per line, or per
    character for a line where a phrase conversion would change the length."""
    if text.isascii():
        return text
    converter = _converter()
    out = []
    for line in text.split("\n"):
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(ch if len(c := converter.convert(ch)) != 1 else c for ch in line)
        out.append(converted)
    return "\n".join(out)


class Script:
    """The published text and its simplified reading."""

    def __init__(self, text: str):
        self.published = text
        self.simplified = to_simplified(text)
        self.changed = self.simplified != text
        self._by_char: dict[str, str] = {}
        if self.changed:
            pairs = Counter((s, p) for s, p in zip(self.simplified, text) if s != p)
            for (s, p), _ in pairs.most_common():
                self._by_char.setdefault(s, p)

    def restore(self, cell):
        """A cell read from the simplified text, as published: by its position in the text when it is a piece of
        it, else character by character (a name put together from two places, a header joined over lines)."""
        if not self.changed or not isinstance(cell, str) or not cell:
            return cell
        at = self.simplified.find(cell)
        if at >= 0:
            return self.published[at : at + len(cell)]
        return "".join(self._by_char.get(ch, ch) for ch in cell)
