"""Run a Great Expectations suite, kept as a readable JSON file under expectations/, against a warehouse table.

GX 1.x cannot use DuckDB as a SQL source (shared/notes/stack-notes.md), so the table is read through DuckDB into
a pandas DataFrame and validated with GX's pandas data source in an ephemeral context. GX is imported inside
the functions that use it: it costs seconds to import and loading the Dagster definitions must stay fast.
"""

import json
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from planwatch.vocabulary import resolve_reference

MAX_ROWS_REPORTED = 20


@dataclass(frozen=True)
class Suite:
    name: str
    asset: list[str]
    key_columns: list[str]
    description: str
    expectations: list[dict]
    path: Path
    severity: str = "error"  # error: a failure blocks what is downstream; warn: it is reported only

    @classmethod
    def load(cls, path: Path) -> "Suite":
        spec = json.loads(path.read_text(encoding="utf-8"))
        # {"vocabulary": "actual_scope"}, {"plan_years": "first"} … stand where the codes or bounds would: they are
        # read from their one home (planwatch.vocabulary), which the raw contract and dbt's tests read too.
        expectations = [dict(e, kwargs=resolve_reference(e["kwargs"])) for e in spec["expectations"]]
        return cls(
            spec["name"],
            spec["asset"],
            spec["key_columns"],
            spec.get("description", ""),
            expectations,
            path,
            spec.get("severity", "error"),
        )

    @property
    def columns(self) -> list[str]:
        """The columns the suite reads (expectations, row conditions, key columns): the only ones worth loading
        into pandas — at national scale the tables are millions of cells wide, and the frame was most of the cost."""
        found = dict.fromkeys(self.key_columns)
        for expectation in self.expectations:
            for name, value in expectation["kwargs"].items():
                if name in ("column", "column_A", "column_B"):
                    found[value] = None
                elif name == "column_list":
                    found.update(dict.fromkeys(value))
                elif name == "row_condition":
                    found.update(dict.fromkeys(_condition_columns(value)))
        return list(found)

    @property
    def select_sql(self) -> str:
        quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in self.columns)
        return f"SELECT {quoted} FROM {self.table}"

    @property
    def table(self) -> str:
        """dbt models' asset keys are [schema, model], which is also where the table lives."""
        return ".".join(self.asset)


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    failing_rows: list[dict] = field(default_factory=list)
    notes: str | None = None

    def describe(self) -> str:
        rows = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in self.failing_rows[:5])
        count = f"{self.unexpected_count} row(s)" if self.unexpected_count is not None else "table"
        return f"{self.expectation}({self.column or ''}): {count} failed" + (f" - e.g. {rows}" if rows else "")


@dataclass
class Outcome:
    suite: str
    passed: bool
    evaluated: int
    failures: list[Failure]


def _condition_columns(condition) -> list[str]:
    if isinstance(condition, dict):
        if isinstance(condition.get("column"), dict):
            return [condition["column"]["name"]]
        return [c for part in condition.get("conditions", []) for c in _condition_columns(part)]
    return []


def load_suites(directory: Path) -> list[Suite]:
    return [Suite.load(p) for p in sorted(directory.glob("*.json"))]


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # progress bars are cosmetic; an older/newer GX without this setting still validates
        pass
    return context


def validate(frame: pd.DataFrame, suite: Suite) -> Outcome:
    import great_expectations as gx

    context = _context()
    source = context.data_sources.add_pandas(f"planwatch_{suite.name}_{uuid.uuid4().hex[:8]}")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame})
    gx_suite = gx.ExpectationSuite(
        name=suite.name,
        expectations=[{"type": e["type"], "kwargs": e["kwargs"], "notes": e.get("notes")} for e in suite.expectations],
    )
    result = batch.validate(
        gx_suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": suite.key_columns}
    )
    failures = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        details = item.result or {}
        failures.append(
            Failure(
                expectation=config.type,
                column=config.kwargs.get("column")
                or str(
                    config.kwargs.get("column_list") or [config.kwargs.get("column_A"), config.kwargs.get("column_B")]
                ),
                unexpected_count=details.get("unexpected_count"),
                failing_rows=[_plain(row) for row in (details.get("unexpected_index_list") or [])[:MAX_ROWS_REPORTED]],
                notes=config.notes if isinstance(config.notes, str) else None,
            )
        )
        if item.exception_info and item.exception_info.get("raised_exception"):
            failures[-1].notes = f"expectation raised: {item.exception_info.get('exception_message')}"
    return Outcome(suite.name, bool(result.success), len(result.results), failures)


def _plain(row) -> dict:
    """numpy scalars → Python values, so the rows can go into Dagster metadata and messages."""
    if not isinstance(row, dict):
        return {"row": str(row)}
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
