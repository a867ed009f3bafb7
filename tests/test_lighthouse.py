"""Lighthouse (npm `lighthouse`, its mobile defaults) scores 100 in all four categories on the home
page, an article and the search page with results, in Debian's Chromium.

Accessibility, best practices and SEO are rules: every run must score 100. Performance is
timed on this machine, which other work may be sharing, and Lighthouse's own advice on
variance is to run it more than once: it must reach 100 in one of five runs (it stops at the first).
"""

import json
import os
import shutil
import subprocess

import pytest

from sitekit.devtools import browser
from tests.support.pages import ROOT
from tests.support.tools import require_tool

pytestmark = pytest.mark.browser

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("/", "/back-massage-therapy/", "/search/?q=massage")
RUNS = 5


def lighthouse(url: str, report) -> dict:
    chrome_flags = " ".join(["--headless=new", *browser.CHROMIUM_ARGS])
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={chrome_flags}",
        ],
        env={**os.environ, "CHROME_PATH": browser.chromium_path()},
        check=True,
        timeout=180,
    )
    return json.loads(report.read_text("utf-8"))


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores_100_in_every_category(served, tmp_path, path):
    require_tool(shutil.which("node"), "Node.js is not installed")
    require_tool(LIGHTHOUSE.is_file(), "Lighthouse is not installed: run `npm ci`")
    require_tool(browser.chromium_path(), "Debian's Chromium (/usr/bin/chromium) is not installed")
    performance = []
    for run in range(RUNS):
        report = lighthouse(served + path, tmp_path / f"report-{run}.json")
        scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
        failing = sorted(
            f"{key} ({audit.get('displayValue', audit['score'])})"
            for key, audit in report["audits"].items()
            if audit.get("score") is not None and audit["score"] < 1
        )
        rules = {name: scores[name] for name in CATEGORIES[1:]}
        assert rules == dict.fromkeys(CATEGORIES[1:], 1), failing
        performance.append(scores["performance"])
        if scores["performance"] == 1:
            return
    pytest.fail(f"performance {performance} in {RUNS} runs: {failing}")
