"""Failures where a person looks: warehouse/alerts.log, one JSON line per refresh that did not publish (or
failed), written by `planwatch refresh` and by the Dagster run-failure sensor for scheduled and sensor runs.
`planwatch status` shows the last one."""

import json
from datetime import UTC, datetime
from pathlib import Path

from planwatch import settings


def alerts_path() -> Path:
    return settings.warehouse_path().parent / "alerts.log"


def record(run_id: str | None, cause: str, source: str) -> None:
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "run_id": run_id, "source": source, "cause": cause}
    path = alerts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def last() -> dict | None:
    path = alerts_path()
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None
