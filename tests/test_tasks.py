"""`invoke publish` refuses bad arguments before it builds or sends anything."""

import os
import subprocess
import sys

import pytest

from tests.support.pages import ROOT


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target", "ftp"], "unknown target 'ftp'; use rsync or github-pages"),
        (["--target", "rsync"], "rsync needs --destination"),
        ([], "say where to publish: --target rsync or --target github-pages"),
        (
            ["--target", "rsync", "--destination", "h:/x", "--no-such-path"],
            "rsync is not installed",
        ),
    ],
)
def test_publish_refuses_bad_arguments(args, message):
    env = dict(os.environ)
    if "--no-such-path" in args:  # a PATH where rsync cannot be found
        args = args[:-1]
        env["PATH"] = ""
    run = subprocess.run(
        [sys.executable, "-m", "invoke", "publish", *args],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 2
    assert message in run.stderr
    assert "Built " not in run.stdout
