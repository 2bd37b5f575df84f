"""A real BI tool on the published warehouse: Apache Superset (bi/superset, its own environment), started here on
127.0.0.1, provisioned as code (bi/superset/serve.py), asked through its REST API. `make test-bi` builds that
environment and runs this module (marked `bi`); `make test` leaves it to that command (`-m "not bi"`), and a plain
`pytest` without the environment skips it with that reason."""

import importlib.util
import shutil
import tempfile
import threading
from pathlib import Path

import duckdb
import pytest

from conftest import GOOD_ACTUAL, PROJECT_ROOT, private_workspace, refresh

SERVE = PROJECT_ROOT / "bi" / "superset" / "serve.py"
_spec = importlib.util.spec_from_file_location("superset_serve", SERVE)
serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve)

pytestmark = [
    pytest.mark.bi,
    pytest.mark.skipif(
        not serve.SUPERSET.exists(),
        reason=f"Superset's environment is not built ({serve.SUPERSET}): make test-bi builds it",
    ),
]


@pytest.fixture(scope="module")
def superset(built_workspace, tmp_path_factory):
    """A workspace of its own (a copy of the shared build), and Superset provisioned on its published file."""
    from planwatch.local_postgres import free_port

    root = tmp_path_factory.mktemp("bi")
    home = Path(tempfile.mkdtemp(prefix="planwatch-superset-"))
    with private_workspace(root, start_from=built_workspace.root) as published:
        port = free_port()
        serve.init(home)
        server = serve.start(home, port, home / "server.log")
        try:
            api = serve.Api(f"http://127.0.0.1:{port}").login()
            ids = serve.provision(api, published)
            yield root, published, api, ids
        finally:
            server.terminate()
            server.wait(timeout=60)
            shutil.rmtree(home, ignore_errors=True)


def _through_superset(api, ids, chart) -> list[tuple]:
    """The saved chart's own data query, run by Superset."""
    name, _, columns, _, _ = chart
    answer = api.call("GET", f"/api/v1/chart/{ids['charts'][name]}/data/")
    return sorted(tuple(row[c] for c in [*columns, "n"]) for row in answer["result"][0]["data"])


def _direct(published: Path, chart) -> list[tuple]:
    _, dataset, columns, metric, where = chart
    with duckdb.connect(str(published), read_only=True) as conn:
        return sorted(conn.execute(serve.direct_sql(dataset, columns, metric, where)).fetchall())


def test_every_chart_answers_what_the_same_sql_answers_on_the_warehouse(superset):
    _, published, api, ids = superset
    dashboard = api.call("GET", f"/api/v1/dashboard/{ids['dashboard']}/charts")
    assert {c["slice_name"] for c in dashboard["result"]} == {c[0] for c in serve.CHARTS}
    database = api.call("GET", f"/api/v1/database/{ids['database']}/connection")["result"]
    assert '"read_only": true' in database["extra"]
    for chart in serve.CHARTS:
        rows = _through_superset(api, ids, chart)
        assert rows and rows == _direct(published, chart), chart[0]


def test_superset_never_blocks_a_refresh_nor_errors_during_one_and_then_sees_it(superset):
    root, published, api, ids = superset
    actuals = next(c for c in serve.CHARTS if c[1] == "actual_history")
    before = _through_superset(api, ids, actuals)
    row = dict(GOOD_ACTUAL, year="2026", raw_value="98.0", source_title="温州市2026年统计公报")
    (root / "raw" / "actuals" / "bi_2026.csv").write_text(
        ",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8"
    )
    answers, errors, done = [], [], threading.Event()

    def ask():
        while not done.is_set():
            try:
                answers.append(_through_superset(api, ids, actuals))
            except Exception as error:  # noqa: BLE001 - any failure of the BI tool is the finding
                errors.append(repr(error))

    asking = threading.Thread(target=ask)
    asking.start()
    try:
        refresh()  # asserts that it succeeded: published while Superset was querying the file
    finally:
        done.set()
        asking.join(timeout=120)
    assert errors == [] and len(answers) >= 2
    after = _direct(published, actuals)
    assert after != before
    assert all(answer in (before, after) for answer in answers)
    assert _through_superset(api, ids, actuals) == after  # no pooled connection holds the old file
