"""`make extract-accuracy`: extract every seed document and compare with the reviewed tables in raw/plans.

Both sides are turned into long rows (one per published value) by the same `long_rows`. A reviewed value and an
extracted one are aligned by (source line, value kind, year, order on that line). Row precision and recall count
aligned pairs that agree on every field; per-field accuracy counts, over all reviewed values, those whose aligned
extracted value has the same field (an unaligned reviewed value is wrong in every field).
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from planwatch.contract import read_plan_document
from planwatch.extract.document import extract_file, long_rows
from planwatch.extract.model import Column, ExtractedTable

FIELDS = ("indicator", "category", "unit", "year", "value_kind", "raw_value", "comparator", "value")


@dataclass
class Score:
    reviewed: int = 0
    extracted: int = 0
    exact: int = 0
    fields: dict = field(default_factory=lambda: defaultdict(int))
    misses: list = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.reviewed += other.reviewed
        self.extracted += other.extracted
        self.exact += other.exact
        for name, count in other.fields.items():
            self.fields[name] += count
        self.misses += other.misses

    @property
    def precision(self) -> float:
        return self.exact / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.exact / self.reviewed if self.reviewed else 1.0

    def field_accuracy(self, name: str) -> float:
        return self.fields[name] / self.reviewed if self.reviewed else 1.0


def reviewed_tables(folder: Path) -> tuple[dict, list[ExtractedTable]]:
    document = read_plan_document(folder)
    manifest = document.manifest.rows[0]
    tables = []
    for spec, loaded in zip(manifest["tables"], document.tables):
        columns = [
            Column(c["name"], c["role"], c.get("value_kind"), c.get("year"), c.get("published_header"))
            for c in spec["columns"]
        ]
        rows = [
            {**{k: v for k, v in r.items() if k != "_row"}, "source_line": int(r["source_line"])} for r in loaded.rows
        ]
        tables.append(
            ExtractedTable(
                spec["table_id"], spec["title"], spec["kind"], spec["plan_period"], spec["source_line"], columns, rows
            )
        )
    return manifest, tables


def _keyed(rows: list[dict]) -> dict:
    keyed, seen = {}, defaultdict(int)
    for row in rows:
        base = (int(row["source_line"]), row["value_kind"], row["year"])
        keyed[(*base, seen[base])] = row
        seen[base] += 1
    return keyed


def score_document(reviewed: list[dict], extracted: list[dict], document: str) -> Score:
    want, got = _keyed(reviewed), _keyed(extracted)
    score = Score(reviewed=len(want), extracted=len(got))
    for key, row in want.items():
        other = got.get(key)
        same = {name: other is not None and row[name] == other[name] for name in FIELDS}
        for name, ok in same.items():
            score.fields[name] += ok
        if all(same.values()):
            score.exact += 1
        else:
            score.misses.append(
                (document, key, {n: (row[n], other[n] if other else None) for n, ok in same.items() if not ok})
            )
    return score


def measure(plans_dir: Path, seeds_dir: Path) -> dict[str, Score]:
    scores = {}
    for folder in sorted(p for p in plans_dir.iterdir() if p.is_dir()):
        manifest, tables = reviewed_tables(folder)
        extracted = extract_file(seeds_dir / manifest["source_file"], manifest["document_id"])
        scores[folder.name] = score_document(long_rows(tables), long_rows(extracted.tables), folder.name)
    return scores


def render(scores: dict[str, Score]) -> str:
    total = Score()
    for score in scores.values():
        total.add(score)
    header = ["document", "reviewed", "extracted", "precision", "recall", *FIELDS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, score in [*scores.items(), ("total", total)]:
        cells = [
            name,
            str(score.reviewed),
            str(score.extracted),
            f"{score.precision:.1%}",
            f"{score.recall:.1%}",
            *(f"{score.field_accuracy(f):.1%}" for f in FIELDS),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if total.misses:
        lines += ["", f"{len(total.misses)} reviewed values not reproduced exactly (first 40):"]
        lines += [
            f"- {doc} line {key[0]} {key[1]} {key[2]}: {json.dumps(diff, ensure_ascii=False)}"
            for doc, key, diff in total.misses[:40]
        ]
    return "\n".join(lines)


# ---- the development set (../shared/extraction-dev): other regions' texts with gold rows read by hand ----------


def measure_dev_set(dev_dir: Path, work_dir: Path) -> dict:
    """Extract every text of the development set into long CSVs (named after the documents, as its score.py
    wants) and score them with that set's own score.py, not a scorer of ours: its JSON summary."""
    import subprocess
    import sys

    from planwatch.extract.document import long_csv

    work_dir.mkdir(parents=True, exist_ok=True)
    for text in sorted((dev_dir / "docs").glob("*.txt")):
        document = extract_file(text)
        (work_dir / f"{text.stem}.csv").write_text(long_csv(long_rows(document.tables)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(dev_dir / "score.py"), "--long", str(work_dir), "--gold", str(dev_dir / "gold")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout[: done.stdout.rindex("}") + 1])


def render_dev_set(summary: dict) -> str:
    every = summary.get("all", {})
    lines = [
        f"development set (score.py): recall {every.get('recall', 0):.1%}, precision "
        f"{summary.get('precision_all', 0):.1%} over {every.get('gold', 0)} gold values",
        "",
        "| document | gold | recall | candidates | precision |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {d['gold']} | {d['recall']:.1%} | {d['candidates']} | {d['precision']:.1%} |"
        for name, d in summary.get("per_doc", {}).items()
    ]
    return "\n".join(lines)
