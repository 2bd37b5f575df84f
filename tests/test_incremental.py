"""An incremental refresh: one new actuals file for one region and year is parsed and validated alone, and the
warehouse it publishes equals a full build from scratch on the same inputs."""

import shutil

from conftest import refresh
from planwatch.checksums import table_checksums

BULLETIN = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,"
    "source_url,published_date,source_fragment,note\n"
    "330300,温州市,市区PM2.5年均浓度,2025,25,微克/立方米,市区,year,normal,level,温州市2025年统计公报(测试),,"
    "2026-03-20,,\n"
)


def _gx(result) -> dict[str, dict]:
    return {
        c.check_name: {k: v.value for k, v in c.metadata.items()}
        for c in result.get_asset_check_evaluations()
        if c.check_name.startswith("gx_")
    }


def _dbt_commands(result) -> list[str]:
    return [e.message for e in result.all_events if e.message and "Running dbt command" in e.message]


def _content(path):
    # lineage timestamps differ between two builds by design; everything analysts read must not
    return {
        k: v
        for k, v in table_checksums(path, ("marts", "analytics")).items()
        if k not in ("analytics.actual_history", "marts.fct_actual_history", "analytics.rejected_inputs")
    }


def test_one_new_actuals_file_is_processed_alone_and_gives_what_a_full_build_gives(
    refreshed_workspace, built_workspace, tmp_path, monkeypatch
):
    workspace, first = refreshed_workspace, built_workspace.result
    assert all(m["scope"].startswith("full") for m in _gx(first).values())
    assert all("--full-refresh" in c for c in _dbt_commands(first))  # a new working file

    (workspace / "raw" / "actuals" / "bulletin_330300_2025.csv").write_text(BULLETIN, encoding="utf-8")
    second = refresh()
    gx = _gx(second)
    assert gx["gx_stg_actuals"]["scope"] == "1 region(s) (1 new actuals file(s))"
    total = first.get_asset_check_evaluations()
    full_rows = {c.check_name: c.metadata["rows_validated"].value for c in total if c.check_name.startswith("gx_")}
    assert 0 < gx["gx_stg_actuals"]["rows_validated"] < full_rows["gx_stg_actuals"]
    assert gx["gx_int_plan_values"]["rows_validated"] == 0  # 温州市 has no plan here: nothing of it to validate
    assert not any("--full-refresh" in c for c in _dbt_commands(second))
    incremental = _content(workspace / "warehouse" / "planwatch.duckdb")

    # the same inputs, built from nothing in another folder
    other = tmp_path / "other"
    shutil.copytree(workspace / "raw", other / "raw")
    monkeypatch.setenv("PLANWATCH_RAW", str(other / "raw"))
    monkeypatch.setenv("PLANWATCH_WAREHOUSE", str(other / "warehouse" / "planwatch.duckdb"))
    refresh()
    assert _content(other / "warehouse" / "planwatch.duckdb") == incremental


def test_unchanged_files_are_known_by_their_signature_and_not_hashed_again(refreshed_workspace, monkeypatch):
    """The copy's files have new inodes: its first refresh reads and hashes them all, finds the same bytes and
    records their new signatures. From then on the fingerprint (the sensor's, a refresh's first look) hashes only
    what changed, and the plan documents, whose manifests are read on every run."""
    from planwatch import fingerprint

    refresh()
    hashed = []
    real = fingerprint.content_hash
    monkeypatch.setattr(fingerprint, "content_hash", lambda path: hashed.append(path.parent.name) or real(path))
    before, files = fingerprint.raw_fingerprint()
    assert hashed and set(hashed) <= {p.name for p in (refreshed_workspace / "raw" / "plans").iterdir()}
    assert "actuals/reference_2015_2024.csv" in files

    hashed.clear()
    bulletin = refreshed_workspace / "raw" / "actuals" / "bulletin_330300_2025.csv"
    bulletin.write_text(BULLETIN, encoding="utf-8")
    after, files_after = fingerprint.raw_fingerprint()
    assert "actuals" in hashed and after != before
    assert {k: v for k, v in files_after.items() if k != "actuals/bulletin_330300_2025.csv"} == files
