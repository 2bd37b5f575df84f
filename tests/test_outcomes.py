"""Clear outcomes (issue 13): the summary's first line and the exit code say published / published with refused
files / nothing changed / not published; a refresh with nothing to do publishes nothing; failures are recorded
where a person looks (`planwatch status`, warehouse/alerts.log); the CLI follows the conventions."""

import argparse
import shutil

import dagster as dg

from planwatch import cli

BAD = (
    "region_code,region_name,indicator,year,raw_value,unit,scope,period,status,measure,source_title,source_url,"
    "published_date,source_fragment,note\n"
    "330300,温州市,市区空气质量优良率,2023,待公布,%,市区,year,normal,level,测试来源,,2024-03-01,,\n"
)


def test_every_command_and_argument_has_help():
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.dest}"
        for name, sub in subparsers.choices.items()
        for action in sub._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert missing == []
    assert all(choice.help for choice in subparsers._choices_actions)
    assert "75" in parser.epilog and "3 " in parser.epilog  # the exit codes are documented in --help


def test_version(capsys):
    try:
        cli.main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert capsys.readouterr().out.startswith("planwatch ")


def _first_line(capsys) -> tuple[str, str]:
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line and not line.startswith(("  ✓", "  ✗", "  -", "planwatch:"))]
    return lines[0], out


def test_outcomes_exit_codes_and_status(workspace, capsys):
    actuals = workspace / "raw" / "actuals"
    (actuals / "bad.csv").write_text(BAD, encoding="utf-8")
    assert cli.main(["refresh"]) == 3
    first, out = _first_line(capsys)
    assert first == "published, 1 file(s) refused", out
    assert "✓ published_warehouse" in out  # one line per step
    assert "Running with dbt" not in out  # dbt's log went to the log file
    log = next((workspace / "warehouse" / "logs").glob("refresh-*.log"))
    assert "Running with dbt" in log.read_text(encoding="utf-8")

    # nothing changed: nothing is rebuilt or published; the refused file still waits, so the code is still 3
    versions = sorted((workspace / "warehouse" / "versions").glob("*.duckdb"))
    assert cli.main(["refresh"]) == 3
    first, out = _first_line(capsys)
    assert first == "nothing changed, 1 file(s) refused" and "actuals_fresh" in out, out
    assert sorted((workspace / "warehouse" / "versions").glob("*.duckdb")) == versions

    # fixed: published, 0
    (actuals / "bad.csv").unlink()
    assert cli.main(["refresh"]) == 0
    assert _first_line(capsys)[0] == "published"

    # the sensor, started fresh (a new `dagster dev`), starts from what the published build loaded
    from planwatch.automation import raw_files_changed

    skip = raw_files_changed(dg.build_sensor_context())
    assert isinstance(skip, dg.SkipReason) and "nothing changed since the published build" in skip.skip_message

    # not published (the guard), recorded where a person looks
    shutil.move(actuals, workspace / "elsewhere")
    actuals.mkdir()
    assert cli.main(["refresh"]) == 1
    first, out = _first_line(capsys)
    assert first.startswith("not published: the removal guard refused"), out
    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    assert "published:" in status and "built:" in status and "ago" in status
    assert "last failure:" in status and "removal guard refused" in status
    assert "removal guard" in (workspace / "warehouse" / "alerts.log").read_text(encoding="utf-8")


def test_a_check_with_nothing_in_scope_says_so(refreshed_workspace):
    from conftest import refresh

    workspace = refreshed_workspace
    (workspace / "raw" / "actuals" / "bulletin.csv").write_text(BAD.replace("待公布", "95.0"), encoding="utf-8")
    result = refresh()
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert "nothing in scope for the row checks" in checks["gx_int_plan_values"].description
    assert "expectations met on the" in checks["gx_stg_actuals"].description
