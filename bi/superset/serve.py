"""Apache Superset on the published warehouse, provisioned as code: `make bi` runs `python bi/superset/serve.py`.

What it sets up, idempotently, through Superset's own CLI and REST API:
- the metadata database (SQLite under SUPERSET_HOME) and an admin user (admin / admin: a local tool on 127.0.0.1);
- the database connection `planwatch`: the published file, read-only (`connect_args.read_only`). Superset opens
  analytics databases with SQLAlchemy's NullPool (superset/models/core.py: `nullpool=True` by default), so every
  query opens the file as it is published now, and a refresh's atomic replace is seen by the next query;
- datasets on the analytics views, and one dashboard: progress by region, 十三五 verdicts, one indicator across
  regions, and the published actuals by region and year.

Stdlib only: it runs with the warehouse's Python (the tests) or Superset's (make bi); Superset itself always runs
from bi/superset/.venv.
"""

import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
SUPERSET = HERE / ".venv" / "bin" / "superset"
USER, PASSWORD = "admin", "admin"
DATABASE = "planwatch"
DASHBOARD = "planwatch: targets and progress"


def environment(home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        SUPERSET_HOME=str(home),
        SUPERSET_CONFIG_PATH=str(HERE / "superset_config.py"),
        FLASK_APP="superset",
    )


def init(home: Path) -> None:
    """Metadata database, roles and the admin user; a no-op when done before."""
    home.mkdir(parents=True, exist_ok=True)
    marker = home / ".initialised"
    if marker.exists():
        return
    env = environment(home)
    for args in (
        ["db", "upgrade"],
        [
            "fab",
            "create-admin",
            "--username",
            USER,
            "--firstname",
            "planwatch",
            "--lastname",
            "admin",
            "--email",
            "admin@localhost",
            "--password",
            PASSWORD,
        ],
        ["init"],
    ):
        subprocess.run([str(SUPERSET), *args], env=env, check=True, capture_output=True, text=True)
    marker.touch()


def start(home: Path, port: int, log: Path) -> subprocess.Popen:
    """Superset's server on 127.0.0.1:port, returned once it answers /health."""
    with open(log, "ab") as out:  # the server keeps its own handle on the log
        process = subprocess.Popen(
            [str(SUPERSET), "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
            env=environment(home),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Superset exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if answer.read().strip() == b"OK":
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    process.kill()
    raise TimeoutError(f"Superset did not answer on 127.0.0.1:{port} within 180 s; see {log}")


class Api:
    """Superset's REST API as an analyst's script uses it: log in, then JSON calls with the JWT and a CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.headers: dict[str, str] = {}

    def login(self, user: str = USER, password: str = PASSWORD) -> "Api":
        token = self.call(
            "POST",
            "/api/v1/security/login",
            {"username": user, "password": password, "provider": "db", "refresh": False},
        )
        self.headers["Authorization"] = f"Bearer {token['access_token']}"
        self.headers["X-CSRFToken"] = self.call("GET", "/api/v1/security/csrf_token/")["result"]
        self.headers["Referer"] = self.base
        return self

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            # a JSON content type on a GET without a body makes Flask answer 400
            headers=self.headers | ({} if body is None else {"Content-Type": "application/json"}),
            method=method,
        )
        try:
            with self.opener.open(request, timeout=120) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: {error.code} {error.read()[:2000]!r}") from None

    def find(self, resource: str, field: str, value: str) -> int | None:
        listed = self.call("GET", f"/api/v1/{resource}/?q=(page_size:100)")
        return next((r["id"] for r in listed["result"] if r.get(field) == value), None)


# The dashboard's charts: (name, dataset, columns, metric, filter). Each is also a plain GROUP BY query over its view,
# so the test can ask the same question through Superset and directly (`direct_sql`).
CHARTS = (
    ("Progress by region", "target_progress", ["region_name", "status"], "COUNT(*)", None),
    ("十三五 verdicts", "completion_13th", ["region_name", "verdict"], "COUNT(*)", None),
    (
        "One indicator across regions: 制造业产品质量合格率",
        "target_progress",
        ["region_name", "target_year", "target_raw_value", "latest_year", "status"],
        "COUNT(*)",
        ("indicator_id", "manufacturing_product_pass_rate"),
    ),
    ("Published actuals by region and year", "actual_history", ["region_name", "year"], "COUNT(*)", None),
)
DATASETS = tuple(dict.fromkeys(chart[1] for chart in CHARTS))


def chart_query(dataset_id: int, columns: list[str], metric: str, where: tuple[str, str] | None) -> dict:
    query = {
        "columns": columns,
        "metrics": [{"expressionType": "SQL", "sqlExpression": metric, "label": "n"}],
        "orderby": [],
        "row_limit": 10000,
        "filters": [{"col": where[0], "op": "==", "val": where[1]}] if where else [],
    }
    return {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [query],
        "result_format": "json",
        "result_type": "full",
    }


def direct_sql(dataset: str, columns: list[str], metric: str, where: tuple[str, str] | None) -> str:
    """The chart's question as SQL on the warehouse file."""
    condition = f"WHERE {where[0]} = '{where[1]}'" if where else ""
    listed = ", ".join(columns)
    return f"SELECT {listed}, {metric} AS n FROM analytics.{dataset} {condition} GROUP BY {listed}"


def provision(api: Api, warehouse: Path) -> dict:
    """The read-only connection, the datasets, the charts and the dashboard; returns their ids."""
    database = api.find("database", "database_name", DATABASE)
    body = {
        "database_name": DATABASE,
        "sqlalchemy_uri": f"duckdb:///{warehouse}",
        "expose_in_sqllab": True,
        "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
    }
    if database is None:
        database = api.call("POST", "/api/v1/database/", body)["id"]
    else:
        api.call("PUT", f"/api/v1/database/{database}", body)
    datasets = {}
    for name in DATASETS:
        found = api.find("dataset", "table_name", name)
        datasets[name] = (
            found
            or api.call("POST", "/api/v1/dataset/", {"database": database, "schema": "analytics", "table_name": name})[
                "id"
            ]
        )
    dashboard = (
        api.find("dashboard", "dashboard_title", DASHBOARD)
        or api.call(
            "POST", "/api/v1/dashboard/", {"dashboard_title": DASHBOARD, "slug": "planwatch", "published": True}
        )["id"]
    )
    charts = {}
    for name, dataset, columns, metric, where in CHARTS:
        query = chart_query(datasets[dataset], columns, metric, where)
        params = {
            "viz_type": "table",
            "groupby": columns,
            "metrics": query["queries"][0]["metrics"],
            "row_limit": 10000,
        }
        body = {
            "slice_name": name,
            "viz_type": "table",
            "datasource_id": datasets[dataset],
            "datasource_type": "table",
            "params": json.dumps(params),
            "query_context": json.dumps(query),
            "dashboards": [dashboard],
        }
        found = api.find("chart", "slice_name", name)
        charts[name] = found or api.call("POST", "/api/v1/chart/", body)["id"]
    return {"database": database, "datasets": datasets, "dashboard": dashboard, "charts": charts}


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def main() -> int:
    home = Path(os.environ.get("SUPERSET_HOME", PROJECT / "warehouse" / "superset")).resolve()
    warehouse = Path(os.environ.get("PLANWATCH_WAREHOUSE", PROJECT / "warehouse" / "planwatch.duckdb")).resolve()
    port = int(os.environ.get("SUPERSET_PORT", "8088"))
    init(home)
    server = start(home, port, home / "server.log")
    base = f"http://127.0.0.1:{port}"
    ids = provision(Api(base).login(), warehouse)
    print(f"Superset on {base} (log in as {USER} / {PASSWORD}); dashboard: {base}/superset/dashboard/planwatch/")
    print(f"reading {warehouse} read-only; {json.dumps(ids, ensure_ascii=False)}; Ctrl-C stops it")
    # The server runs in a session of its own (a refresh's Ctrl-C must not reach it): stop it on Ctrl-C or SIGTERM.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=60)
        return 0


if __name__ == "__main__":
    sys.exit(main())
