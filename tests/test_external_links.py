"""`invoke check-links --external` against a server on 127.0.0.1 that answers 200, 301, 404,
500 and not at all in time: one line for each broken or moved link, naming the Markdown file
and line; exit 1; each link asked for once; a second run takes the good ones from its cache.
No test here touches the internet."""

from __future__ import annotations

import http.server
import itertools
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import pytest

from sitekit.devtools import browser
from sitekit.links import external
from tests.support.build import run_build
from tests.support.tools import require_tool

TIMEOUT = 1  # seconds; the slow page answers after three


class Answers(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    asked: ClassVar[Counter[str]] = Counter()
    codes: ClassVar[dict[str, int]] = {
        "/ok": 200,
        "/moved": 301,
        "/missing": 404,
        "/error": 500,
        "/slow": 200,
    }

    def do_GET(self) -> None:
        self.asked[self.path] += 1
        if self.path == "/slow":
            time.sleep(TIMEOUT * 3)
        code = self.codes.get(self.path, 404)
        self.send_response(code)
        if code == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Answers.asked = Counter()
    # The slow answer outlives lychee's timeout and this fixture: its write to the closed
    # connection must not print a traceback into a later test's captured output.
    with browser.running(browser.Server(("127.0.0.1", 0), Answers)) as url:
        yield url


def article(origin: str) -> str:
    return (
        "Title: Links\nDate: 2026-11-20\nCategory: Care\nSummary: An article with sources.\n\n"
        f"A study that [still stands]({origin}/ok).\n\n"  # line 6
        f"One that [moved]({origin}/moved), one [gone]({origin}/missing).\n\n"  # line 8
        f"A server that [fails]({origin}/error).\n\n"  # line 10
        "A claim.[^1]\n\n"
        f"[^1]: A slow source: <{origin}/slow>\n"  # line 14
    )


def test_each_broken_or_moved_link_is_one_line_with_its_file_and_line(
    server, tmp_path, monkeypatch, capsys
):
    require_tool(external.lychee(), "lychee is not installed (pip install -e '.[test]')")
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    source = articles / "links.md"
    source.write_text(article(server), "utf-8")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / ".output.links"

    code = external.main(Path("output"), "", [Path("content/articles/links.md")], cache, TIMEOUT)
    lines = capsys.readouterr().out.splitlines()
    print("\n".join(lines))  # shown with -s: the output the issue asks for
    where = "content/articles/links.md"
    assert code == 1
    assert lines == [
        f"error: {where}:8: the link {server}/missing is broken (404 Not Found).",
        f"moved: {where}:8: the link {server}/moved has moved (301 Moved Permanently): open it "
        "and write the address it leads to.",
        f"error: {where}:10: the link {server}/error is broken (500 Internal Server Error).",
        f"error: {where}:14: the link {server}/slow did not answer within {TIMEOUT} s.",
        "Checked 5 external link(s) (0 from the last day's cache): 3 broken, 1 moved.",
    ]
    # One request per link: no retry, no redirect followed.
    assert Answers.asked == dict.fromkeys(["/ok", "/moved", "/missing", "/error", "/slow"], 1)

    # The same day, the link that answered well comes from the cache; the others are asked again.
    code = external.main(Path("output"), "", [Path("content/articles/links.md")], cache, TIMEOUT)
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert (
        lines[-1] == "Checked 5 external link(s) (1 from the last day's cache): 3 broken, 1 moved."
    )
    assert Answers.asked["/ok"] == 1 and Answers.asked["/missing"] == 2


def test_only_moved_links_exit_0_and_the_sites_own_links_are_not_external(
    server, tmp_path, monkeypatch, capsys
):
    require_tool(external.lychee(), "lychee is not installed (pip install -e '.[test]')")
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text(
        f'<a href="{server}/moved">moved</a> <a href="https://example.org/about/">our own</a>'
        ' <a href="/about/">internal</a> <a href="mailto:a@example.org">mail</a>',
        "utf-8",
    )
    assert list(external.external_links(output, "https://example.org")) == [f"{server}/moved"]
    monkeypatch.chdir(tmp_path)
    code = external.main(Path("output"), "https://example.org", [], tmp_path / "cache", TIMEOUT)
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0].startswith(f"moved: output/index.html: the link {server}/moved has moved")


def test_the_check_is_polite_by_construction():
    arguments = external.command("lychee", Path("links.txt"), Path("report.json"), 20)
    pairs = dict(itertools.pairwise(arguments))
    assert pairs["--max-retries"] == "0" and pairs["--max-redirects"] == "0"
    assert pairs["--max-concurrency"] == str(external.CONCURRENCY) == "4"
    assert pairs["--timeout"] == "20" and pairs["--max-cache-age"] == "1d"
    assert "--cache" in arguments
