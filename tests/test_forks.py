"""sitekit.core.forks: work in a forked process comes back as a result, an error, or not at all,
and the forked process never runs the caller's code."""

import os
import time

import pytest

from sitekit.core import forks
from sitekit.devtools.bench import generate_site
from tests.support.build import run_build


def test_a_result_and_an_error_come_back_once_and_stay():
    assert forks.start(lambda: [1, 2]).result() == [1, 2]
    failed = forks.start(lambda: 1 / 0)
    for _ in range(2):  # read once, kept: no second read of a closed pipe
        with pytest.raises(ZeroDivisionError):
            failed.result()


def test_a_forked_process_never_returns_into_the_callers_code(tmp_path):
    marker = tmp_path / "after-start"
    try:
        forked = forks.start(lambda: lambda: None)  # a result that pickle cannot carry back
    finally:
        # A forked process that returned (or raised) into this code would write here too.
        with marker.open("a") as file:
            file.write(f"{os.getpid()}\n")
    with pytest.raises(RuntimeError):
        forked.result()
    time.sleep(0.2)
    assert marker.read_text().splitlines() == [str(os.getpid())]


def test_a_process_still_at_work_is_stopped():
    started = time.monotonic()
    forked = forks.start(lambda: time.sleep(30))
    forked.stop()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(forked.pid, os.WNOHANG)  # already reaped
    with pytest.raises(RuntimeError):
        forked.result()


def test_a_sources_check_that_breaks_is_one_line_and_leaves_the_output(tmp_path, monkeypatch):
    generate_site(tmp_path / "content", 4)
    output = tmp_path / "output"
    assert run_build("--content", tmp_path / "content", output=output).code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    def broken(*args):
        raise ValueError("the check itself broke")

    monkeypatch.setattr("sitekit.runner.validate", broken)
    run = run_build("--content", tmp_path / "content", output=output)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        "error: the build stopped: ValueError: the check itself broke"
    )
    assert "Traceback" not in run.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
