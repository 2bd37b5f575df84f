"""Text folding shared by the cell and unit grammars: width, micro signs and traditional characters."""

import re
import unicodedata

# Traditional forms that occur in mirrored pages, folded only for parsing.
_TRADITIONAL = str.maketrans(
    {
        "於": "于",
        "過": "过",
        "萬": "万",
        "億": "亿",
        "項": "项",
        "個": "个",
        "內": "内",
        "達": "达",
        "穩": "稳",
        "爭": "争",
        "к": "k",
        # change and unit words: 壓縮到, 較2020年, 噸, 小時, 標準煤, 單位
        "壓": "压",
        "縮": "缩",
        "較": "较",
        "長": "长",
        "噸": "吨",
        "時": "时",
        "標": "标",
        "準": "准",
        "單": "单",
        "點": "点",
        "樣": "样",
    }
)


def normalise(text: str) -> str:
    """Fold width, micro signs and traditional characters so one grammar reads every spelling."""
    folded = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    # NFKC turns the micro sign into Greek mu; keep one spelling (the published one stays in raw_value).
    folded = folded.replace("μ", "µ")
    return re.sub(r"\s+", "", folded)
