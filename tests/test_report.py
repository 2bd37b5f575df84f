"""The HTML report renders in headless Chromium with its charts drawn and Chinese labels in a CJK font."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from planwatch.report import render_report

CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium_or_skip():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make test` installs it (target browser)")
        pytest.skip("chromium is not installed (run `make browser` as root)")


def test_report_renders_with_charts_in_chromium(published_warehouse_file, tmp_path):
    out = render_report(published_warehouse_file, tmp_path / "report" / "index.html")
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "src=" not in text and "href=" not in text  # self-contained
    assert "十三五完成情况" in text and text.count("<rect") > 10
    _chromium_or_skip()
    profile = tmp_path / "profile"
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="progress-chart"' in dom.stdout and 'id="completion-chart"' in dom.stdout
    assert dom.stdout.count("<rect") == text.count("<rect")
    shot = tmp_path / "report.png"
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1600",
                           f"--screenshot={shot}", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.stat().st_size > 20_000
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in fonts  # the report's first font: Chinese labels are drawn, not tofu
