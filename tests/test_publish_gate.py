"""The publish gate (issue 11, item 1, and the operations of item 9): a run publishes only when every check it
planned has a result and every ERROR check passed, asserted from the run's own records at the moment of the
replace; a publish that fails half-way leaves nothing behind; the summary names the real cause."""

import csv
import errno
import json
import os
import re
import shutil

import duckdb
import pytest

from conftest import fake_build, refresh
from planwatch import publish as publishing
from planwatch.publish import PublishRefused, RunChecks, build_info, kept_versions, publish

_build = fake_build


def _check(name, passed=True, severity="ERROR"):
    return {"asset": "staging/stg_actuals", "check": name, "passed": passed, "severity": severity}


@pytest.fixture
def published(tmp_path):
    """A warehouse folder with version 1 published."""
    target, versions = tmp_path / "planwatch.duckdb", tmp_path / "versions"
    publish(_build(tmp_path / "build.duckdb", 1), target, versions, "run-1", [_check("gx_a")])
    return target, versions


def _untouched(target, versions):
    assert build_info(target)["run_id"] == "run-1"
    assert [p.name for p in kept_versions(versions)] == [build_info(target)["version"]]
    assert sorted(p.suffix for p in versions.iterdir()) == [".duckdb", ".sha256"]
    assert not list(target.parent.glob(".*.publishing"))


@pytest.mark.parametrize(
    "checks, says",
    [
        (
            RunChecks(
                frozenset({"staging/stg_actuals:gx_a", "staging/stg_actuals:gx_b"}),
                [_check("gx_a"), _check("gx_b", passed=False)],
            ),
            "1 check(s) failed: staging/stg_actuals:gx_b",
        ),
        (
            RunChecks(frozenset({"staging/stg_actuals:gx_a", "staging/stg_actuals:gx_b"}), [_check("gx_a")]),
            "1 planned check(s) have no result: staging/stg_actuals:gx_b",
        ),
    ],
    ids=["an-error-check-failed", "a-planned-check-has-no-result"],
)
def test_the_gate_refuses_and_nothing_changes(tmp_path, published, checks, says):
    target, versions = published
    with pytest.raises(PublishRefused, match=re.escape(says)):
        publish(_build(tmp_path / "build.duckdb", 2), target, versions, "run-2", lambda: checks)
    _untouched(target, versions)


def test_a_warning_does_not_close_the_gate(tmp_path, published):
    target, versions = published
    checks = RunChecks(frozenset({"staging/stg_actuals:gx_a"}), [_check("gx_a", passed=False, severity="WARN")])
    publish(_build(tmp_path / "build.duckdb", 2), target, versions, "run-2", lambda: checks)
    assert build_info(target)["run_id"] == "run-2" and build_info(target)["checks_warned"] == 1


def test_the_gate_is_asked_again_at_the_replace(tmp_path, published):
    """A check whose result arrives while the run is publishing (a failure recorded after the first look) still
    keeps the run from publishing: the run's records are read again right before os.replace."""
    target, versions = published
    planned = frozenset({"staging/stg_actuals:gx_a", "staging/stg_actuals:gx_b"})
    answers = iter(
        [
            RunChecks(planned, [_check("gx_a"), _check("gx_b")]),
            RunChecks(planned, [_check("gx_a"), _check("gx_b", passed=False)]),
        ]
    )
    with pytest.raises(PublishRefused, match="gx_b"):
        publish(_build(tmp_path / "build.duckdb", 2), target, versions, "run-2", lambda: next(answers))
    _untouched(target, versions)


def test_a_publish_that_fails_half_way_leaves_no_partial_files(tmp_path, published, monkeypatch):
    """Disk full while the kept version is written: the half-written copies are removed, so the disk is not left
    full, and what is published stays as it was."""
    target, versions = published
    real_copy = shutil.copyfile

    def fill_the_disk(source, destination, **options):
        if str(destination).endswith(".pending"):
            with open(destination, "wb") as f:
                f.write(b"half a copy")
            raise OSError(errno.ENOSPC, "No space left on device", str(destination))
        return real_copy(source, destination, **options)

    monkeypatch.setattr(publishing.shutil, "copyfile", fill_the_disk)
    with pytest.raises(OSError, match="No space left"):
        publish(_build(tmp_path / "build.duckdb", 2), target, versions, "run-2", [_check("gx_a")])
    _untouched(target, versions)


def test_a_publish_killed_after_the_replace_keeps_its_version_and_one_killed_before_does_not(tmp_path, published):
    """The two half-done states a crash can leave: a pending version that is the published file becomes a kept
    version; one that never was published is removed (versions/ holds only published versions)."""
    target, versions = published
    current = build_info(target)["version"]
    pending = versions / (current + ".pending")
    os.replace(versions / current, pending)  # as if the refresh died between the replace and keeping the version
    never = versions / "planwatch-29990101T000000000000Z-deadbeef.duckdb.pending"
    shutil.copyfile(target, never)
    (versions / "planwatch-29990101T000000000000Z-deadbeef.duckdb.sha256").write_text("0" * 64 + "\n")
    messages = []
    publishing.recover(target, versions, log=messages.append)
    assert [p.name for p in kept_versions(versions)] == [current]
    assert not list(versions.glob("*.pending")) and not list(versions.glob("planwatch-2999*"))
    assert any("never published" in m for m in messages) and any("keeping" in m for m in messages)


# ---- through a real refresh ------------------------------------------------------------------------------------

HEADER = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
)


def _query(sql):
    with duckdb.connect(os.environ["PLANWATCH_WAREHOUSE"], read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_a_narrower_scope_passes_the_contract_and_the_suites_alike_and_is_never_the_regions(
    workspace, capsys, monkeypatch
):
    """The red team's trial: a 城区 figure passed the contract and failed the blocking suite (two lists of scopes),
    and the run published anyway. Now one vocabulary classes it part-of-region for both; it is published, and no
    verdict or progress reads it as the region's figure. Then the disk fills up while publishing: the run does not
    publish, and its summary says why."""
    (workspace / "raw" / "actuals" / "urban.csv").write_text(
        HEADER + "330300,温州市,城区空气质量优良率,2023,96.5,%,城区,year,normal,level,测试来源,,2024-03-01,,\n",
        encoding="utf-8",
    )
    result = refresh()
    gx = {c.check_name: c for c in result.get_asset_check_evaluations()}["gx_stg_actuals"]
    assert gx.passed
    assert _query(
        "SELECT scope, scope_class, is_whole_region FROM marts.fct_actual WHERE source_file = 'actuals/urban.csv'"
    ) == [("城区", "part_of_region", False)]
    assert _query("SELECT checks_failed FROM meta.build_info") == [(0,)]
    before = _query("SELECT run_id FROM meta.build_info")

    from planwatch import cli

    real_copy = shutil.copyfile

    def fill_the_disk(source, destination, **options):
        if str(destination).endswith(".publishing"):
            raise OSError(errno.ENOSPC, "No space left on device", str(destination))
        return real_copy(source, destination, **options)

    with open(workspace / "raw" / "actuals" / "urban.csv", "a", encoding="utf-8") as f:
        f.write("330300,温州市,城区PM2.5年均浓度,2023,25,微克/立方米,城区,year,normal,level,测试来源,,2024-03-01,,\n")
    monkeypatch.setattr(publishing.shutil, "copyfile", fill_the_disk)
    assert cli.refresh() == 1
    summary = capsys.readouterr().out
    assert "not published: the disk is full (" in summary and "No space left on device" in summary, summary
    assert _query("SELECT run_id FROM meta.build_info") == before
    assert not list((workspace / "warehouse").glob(".*.publishing"))


def test_a_file_with_a_scope_outside_the_vocabulary_is_refused_by_row_and_column(tmp_path):
    from planwatch.ingest import ingest_actuals

    raw = tmp_path / "raw"
    (raw / "actuals").mkdir(parents=True)
    with open(raw / "actuals" / "figures.csv", "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        csv.writer(f).writerow(
            [
                "330300",
                "温州市",
                "空气质量优良率",
                "2023",
                "96.5",
                "%",
                "城东片区",
                "year",
                "normal",
                "level",
                "测试来源",
                "",
                "2024-03-01",
                "",
                "",
            ]
        )
    with duckdb.connect() as conn:
        [error] = ingest_actuals(conn, raw, tmp_path / "quarantine").rejected
    assert (error.row, error.column) == (2, "scope") and "'城东片区'" in str(error)
    assert json.dumps(str(error), ensure_ascii=False).count("vocabulary.csv") == 1
