"""`invoke publish` refuses bad arguments before it builds or sends anything."""

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target", "ftp"], "unknown target 'ftp'; use rsync or github-pages"),
        (["--target", "rsync"], "rsync needs --destination"),
    ],
)
def test_publish_refuses_bad_arguments(args, message):
    run = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", *args],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert message in run.stderr
    assert "Built " not in run.stdout
