"""Re-run the example queries against the built warehouse and rewrite their outputs in README.md.

    .venv/bin/python docs/queries/render.py      (after make run)

The block between the README's `<!-- queries:start -->` and `<!-- queries:end -->` markers is replaced, so the
outputs shown there are always what the bundled data gives.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- queries:start -->", "<!-- queries:end -->"


def render() -> str:
    parts = []
    for path in sorted((ROOT / "docs" / "queries").glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        title = sql.splitlines()[0].lstrip("- ").strip()
        body = "\n".join(line for line in sql.splitlines() if not line.startswith("--")).strip()
        shell = Path(sys.executable).parent / "duckdb"
        output = subprocess.run(
            [str(shell), "-readonly", str(ROOT / "warehouse" / "planwatch.duckdb")],
            input=sql,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.rstrip()
        parts.append(
            f"#### {path.stem[:2]}. {title}\n\n`docs/queries/{path.name}`\n\n```sql\n{body}\n```\n\n"
            f"```text\n{output}\n```\n"
        )
    return "\n".join(parts)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n\n{render()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
