"""The house rules: lint and format are clean, the stages keep to their folders, options are checked."""

import os
import re
import subprocess
import sys

import pytest

from sitekit.core.state import Options, OptionsError
from tests.support.build import run_build
from tests.support.pages import PRODUCTION_URL, ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_is_clean_over_the_whole_repository(command):
    run = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


BUILD_AND_LIST_MODULES = """
import sys
from sitekit.runner import main
code = main(["--production", "--output", sys.argv[1]])
print(" ".join(sorted(sys.modules)))
sys.exit(code)
"""


def test_a_production_build_never_imports_the_developer_tools_or_the_tests(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", BUILD_AND_LIST_MODULES, str(tmp_path / "output")],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SITEURL": PRODUCTION_URL},
    )
    assert run.returncode == 0, run.stderr
    modules = run.stdout.split()
    assert "sitekit.pages.render" in modules and "sitekit.hosting.precompress" in modules
    assert [m for m in modules if m.startswith(("sitekit.devtools", "tests", "playwright"))] == []


def test_options_have_one_default_each_and_unknown_ones_are_refused():
    assert Options.from_settings({}) == Options()
    assert Options.from_settings({"SITEKIT": {"related_max": 5}}).related_max == 5
    with pytest.raises(
        OptionsError, match=re.escape("unknown option 'precompres'. Did you mean 'precompress'?")
    ):
        Options.from_settings({"SITEKIT": {"precompres": True}})
    with pytest.raises(OptionsError, match="must be a int, not '3'"):
        Options.from_settings({"SITEKIT": {"related_max": "3"}})


def test_a_misspelt_option_stops_the_build_with_one_line(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        "SITEKIT = {'toc_min_heading': 2}\n"
    )
    run = run_build(
        "--settings", settings, "--content", ROOT / "content", output=tmp_path / "output"
    )
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        "error: settings.py: SITEKIT has an unknown option 'toc_min_heading'. Did you mean 'toc_min_headings'?"
    ]
    assert not (tmp_path / "output").exists()
