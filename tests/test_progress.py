"""The status line of long builds: on a terminal only, after a delay, never in CI."""

import io

from sitekit.core import progress
from sitekit.devtools.bench import generate_site
from tests.support.build import run_build


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_long_build_on_a_terminal_shows_its_stage_and_count(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    terminal = Terminal()
    line = progress.Progress(terminal)
    line.stage("reading", 1000)
    line.advance(812)
    assert terminal.getvalue().endswith("\rreading 812/1000")
    line.stage("compressing")
    last = terminal.getvalue().split("\r")[-1]
    # The new text, padded to cover the longer line it replaces.
    assert last.rstrip() == "compressing…" and len(last) == len("reading 812/1000")
    line.clear()
    assert terminal.getvalue().endswith("\r")
    assert line.width == 0


def test_no_status_line_in_ci_off_a_terminal_or_in_the_first_seconds(monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    # With no delay, only CI or a stream that is not a terminal keeps the line off.
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.delenv("CI", raising=False)
    shown = Terminal()
    progress.Progress(shown).stage("reading", 10)
    assert shown.getvalue() == "\rreading 0/10"  # the control: these would show it
    monkeypatch.setenv("CI", "true")
    in_ci = Terminal()
    progress.Progress(in_ci).stage("reading", 10)
    monkeypatch.delenv("CI")
    piped = io.StringIO()
    progress.Progress(piped).stage("reading", 10)
    # A terminal, off CI, in a build younger than DELAY.
    monkeypatch.setattr(progress, "DELAY", 3600.0)
    quick = Terminal()
    progress.Progress(quick).stage("reading", 10)
    written = {"in CI": in_ci, "piped": piped, "quick": quick}
    assert {case: stream.getvalue() for case, stream in written.items()} == dict.fromkeys(
        written, ""
    )


def test_a_build_whose_output_is_not_a_terminal_prints_only_its_summary(tmp_path, monkeypatch):
    # Off CI and with no delay: only the terminal check keeps the line off.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    generate_site(tmp_path / "content", 40)
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    # The generated articles are years old: one note says they are due for a review.
    assert [line.split(":")[0] for line in run.stderr.splitlines()] == ["note"]
    assert "\r" not in run.stderr
    assert run.stdout.startswith("Built ") and "\r" not in run.stdout
