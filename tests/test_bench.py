"""`invoke bench` works end to end (its timings are for people to read, not for tests)."""

import json
import subprocess
import sys

from tests.support.pages import ROOT

SCENARIOS = [
    "cold, local settings",
    "cold, production settings",
    "one-edit rebuild",
    "no-change rebuild",
]


def test_bench_runs_every_scenario_against_the_reference(tmp_path):
    report = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "invoke", "bench", "--articles", "20", "--json", str(report)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    for scenario in SCENARIOS:
        assert scenario in run.stdout
    results = json.loads(report.read_text())
    assert results["articles"] == 20
    assert [r["scenario"] for r in results["results"]] == SCENARIOS
    for row in results["results"]:
        assert row["pages"] > 20
        assert row["seconds"] > 0 and row["peak_rss_mb"] > 0
        assert row["reference_seconds"] > 0 and row["time_ratio"] > 0
