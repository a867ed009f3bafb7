"""`invoke publish`: it refuses bad arguments before it builds or sends anything, and what it
sends a web server can read."""

import os
import shutil
import subprocess
import sys

import pytest

import tasks
from tests.support.build import modes
from tests.support.pages import ROOT
from tests.support.tools import require_tool


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


def test_rsync_sends_a_web_root_a_web_server_can_read(production, tmp_path):
    require_tool(shutil.which("rsync"), "rsync is not installed (Debian: apt-get install rsync)")
    # The output as a build under umask 077 leaves it: folders 0700, files 0600.
    built = tmp_path / "output"
    shutil.copytree(production.output, built)
    for path in modes(built):
        path.chmod(0o700 if path.is_dir() else 0o600)
    # The web root on the server, made by an administrator; rsync -p alone would make it 0700.
    web_root = tmp_path / "srv" / "site"
    web_root.mkdir(parents=True)
    web_root.chmod(0o755)

    run = subprocess.run(
        tasks.rsync_command(built, f"{web_root}/"),
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    sent = modes(web_root)
    assert len(sent) == len(modes(built))
    wrong = {p: oct(mode) for p, mode in sent.items() if mode != (0o755 if p.is_dir() else 0o644)}
    assert wrong == {}
