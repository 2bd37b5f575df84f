"""What an extraction produces: tables in the raw/plans contract, plus what the extractor was unsure about."""

from dataclasses import asdict, dataclass, field


@dataclass
class Column:
    name: str
    role: str  # seq, category, subcategory, indicator, unit, value, reported_status, attribute, note
    value_kind: str | None = None  # target, actual, baseline (role value)
    year: int | None = None  # role value / reported_status
    published_header: str | None = None

    def as_manifest(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ExtractedTable:
    table_id: str
    title: str
    kind: str  # table, box, prose
    plan_period: str
    source_line: int  # 1-based line of the title (or first line)
    columns: list[Column]
    # One dict per row: column name -> cell text (verbatim), plus "source_line": int.
    rows: list[dict] = field(default_factory=list)
    # Anything the extractor was unsure about, one sentence each, naming the line.
    notes: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.table_id}.csv"

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)

    def as_manifest(self) -> dict:
        spec = {
            "table_id": self.table_id,
            "file": self.file,
            "title": self.title,
            "kind": self.kind,
            "plan_period": self.plan_period,
            "source_line": self.source_line,
            "columns": [c.as_manifest() for c in self.columns],
        }
        if self.notes:
            spec["notes"] = self.notes
        return spec


def lines_of(text: str) -> list[str]:
    """The document's lines; line n of the document is lines[n - 1] (source_line is 1-based)."""
    return text.splitlines()
