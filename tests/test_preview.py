"""The live preview tells the truth: edits show at once, a broken build shows its problems, code changes apply."""

import contextlib
import html
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from sitekit.devtools import browser
from sitekit.devtools.preview import RELOAD, SCRIPT, Preview, read_through_swap
from sitekit.hosting.headers import csp_directives, csp_hash
from tests.support.build import run_invoke
from tests.support.pages import ROOT
from tests.support.tools import require_tool

ARTICLE = "back-massage-therapy"


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return 0, ""  # not listening yet


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    running = Preview.for_content(content, tmp_path / "output")
    running.start()
    watcher = threading.Thread(target=running.watch, daemon=True)
    watcher.start()
    running.article = content / "articles" / f"{ARTICLE}.md"
    yield running
    running.stop()
    watcher.join(timeout=10)


def test_unknown_paths_get_the_sites_404_page(preview, site):
    status, body = fetch(preview.url + "/no-such-page/")
    assert status == 404 and "<h1>Page not found</h1>" in body
    with browser.serving(site.output) as url:
        status, body = fetch(url + "/no-such-page/")
    assert status == 404 and body == (site.output / "404.html").read_text()


def directives(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def policy_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return directives(response.headers["Content-Security-Policy"])
    except urllib.error.HTTPError as error:  # the 404 page carries it too
        return directives(error.headers["Content-Security-Policy"])


def test_every_response_carries_productions_policy_and_the_reload_script_its_hash(
    preview, stylesheet
):
    reload = csp_hash(RELOAD)
    # The hash is of the script sent.
    assert f'<script id="preview-reload">{RELOAD}</script>'.encode() == SCRIPT
    for path, search in [
        (f"/{ARTICLE}/", False),
        ("/no-such-page/", False),
        ("/theme/favicon.svg", False),
        ("/search/", True),
        ("/pagefind/pagefind.js", True),
    ]:
        production = csp_directives(stylesheet, search=search)
        expected = {
            **production,
            "script-src": " ".join(filter(None, [production.get("script-src"), reload])),
            "connect-src": "'self'",
        }
        assert policy_of(preview.url + path) == expected, path


@pytest.mark.browser
def test_the_open_page_follows_every_save_and_shows_a_broken_build(preview, chromium):
    page = chromium.new_page()
    page.add_init_script(browser.RECORD_CSP_VIOLATIONS)
    page.goto(f"{preview.url}/{ARTICLE}/")
    time.sleep(0.3)  # the page's event stream connects
    original = preview.article.read_text()

    preview.article.write_text(original + "\nA sentence saved a moment ago.\n")
    page.wait_for_function(
        "() => document.body.innerText.includes('A sentence saved a moment ago.')", timeout=5000
    )

    preview.article.write_text(original.replace("Date: 2026-11-20", "Date: 11/20/2026"))
    page.wait_for_function("() => document.title.startsWith('Build failed')", timeout=5000)
    problems = page.locator("main li").all_inner_texts()
    assert len(problems) == 1
    assert (
        f"articles/{ARTICLE}.md:2: 'Date: 11/20/2026' is not written as YYYY-MM-DD" in problems[0]
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    )  # the site's style

    preview.article.write_text(original)
    page.wait_for_function("() => document.title.startsWith('Back Massage Therapy')", timeout=5000)
    # Each page ran the reload script and kept its style, and nothing broke the policy.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    assert page.evaluate("window.__csp") == []
    page.close()


@pytest.mark.browser
def test_a_script_that_reached_a_page_does_not_run_in_the_preview(preview, chromium):
    written = preview.output / ARTICLE / "index.html"
    written.write_text(
        written.read_text().replace("</main>", "<script>window.ran = true</script></main>")
    )
    page = chromium.new_page()
    page.add_init_script(browser.RECORD_CSP_VIOLATIONS)
    page.goto(f"{preview.url}/{ARTICLE}/")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.__csp") == ["script-src-elem inline"]
    page.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["livereload", "serve"])
def test_a_busy_port_is_one_line_that_suggests_another(command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_invoke(command, "--port", str(port), timeout=60)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: port {port} is already in use, probably by another `invoke serve` or "
        f"`invoke livereload`. Stop that one, or choose another port: --port {port + 1}"
    ]


def test_each_rebuild_runs_the_projects_current_code_and_settings(tmp_path):
    """`invoke livereload` in a copy of the project; its Python and settings change while it runs."""
    project = tmp_path / "project"
    for name in ("sitekit", "theme", "content"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
        shutil.copy(ROOT / name, project / name)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/{ARTICLE}/"

    def minutes():
        found = re.search(r"(\d+) min read", fetch(url)[1])
        return int(found.group(1)) if found else None

    try:
        assert wait_for(lambda: minutes() == 3, 30)
        # A save to an article: built by the warm worker, which has our Python imported.
        article = project / "content" / "articles" / f"{ARTICLE}.md"
        article.write_text(article.read_text() + "\nA sentence for the warm worker.\n")
        assert wait_for(lambda: "A sentence for the warm worker." in fetch(url)[1], 30)
        # Our Python: the reading time plugin now counts ten words a minute.
        plugin = project / "sitekit" / "markdown" / "reading_time.py"
        plugin.write_text(plugin.read_text().replace("/ words_per_minute)", "/ 10)"))
        assert wait_for(lambda: (minutes() or 0) > 50)
        # The settings: a new site name.
        conf = project / "pelicanconf.py"
        conf.write_text(
            conf.read_text().replace(
                'SITENAME = "Back Massage Notes"', 'SITENAME = "Renamed Notes"'
            )
        )
        assert wait_for(lambda: "Renamed Notes" in fetch(url)[1])
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        server.kill()


def test_a_save_made_while_the_preview_starts_is_built_too(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    running = Preview.for_content(content, tmp_path / "output")
    running.start()
    article = content / "articles" / f"{ARTICLE}.md"
    article.write_text(article.read_text() + "\nSaved before the watcher ran.\n")
    watcher = threading.Thread(target=running.watch, daemon=True)
    watcher.start()
    try:
        url = f"{running.url}/{ARTICLE}/"
        assert wait_for(lambda: "Saved before the watcher ran." in fetch(url)[1])
    finally:
        running.stop()
        watcher.join(timeout=10)


# What editors and tools leave beside the file they save; none is an edit.
TEMPORARY = [
    ".back-massage-therapy.md.swp",
    ".back-massage-therapy.md.swx",
    "back-massage-therapy.md~",
    "#back-massage-therapy.md#",
    ".#back-massage-therapy.md",
    "back-massage-therapy.swp",
    "notes.swx",
    "sedsXBnyH",
    "4913",
    "draft.tmp",
    "photo.jpg.part",
    "photo.jpg.crdownload",
    ".obsidian/workspace.json",
]


def test_temporary_files_are_no_edit_and_sed_i_is_one(tmp_path, capsys):
    require_tool(shutil.which("sed"), "sed is not installed")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    running = Preview.for_content(content, tmp_path / "output", quiet=False)
    running.start()
    watcher = threading.Thread(target=running.watch, daemon=True)
    watcher.start()
    article = content / "articles" / f"{ARTICLE}.md"
    outcome = running.outcome
    try:
        # An edit first, so that the watcher is known to run.
        article.write_text(article.read_text() + "\nOne more line.\n")
        assert wait_for(lambda: outcome.generation == 2, 30)
        capsys.readouterr()
        for name in TEMPORARY:
            path = article.parent / name
            path.parent.mkdir(exist_ok=True)
            path.write_text("temporary")
            path.write_text("temporary, saved again")
        for name in TEMPORARY[::2]:
            (article.parent / name).unlink()
        time.sleep(2)  # the watcher's debounce is 0.4 s
        assert outcome.generation == 2
        assert capsys.readouterr().out == ""

        # sed -i writes sedXXXXXX beside the article and renames it over the article.
        subprocess.run(["sed", "-i", "s/One more line./Edited by sed./", str(article)], check=True)
        assert wait_for(lambda: outcome.generation == 3, 30)
        time.sleep(2)
        assert outcome.generation == 3
        log = capsys.readouterr().out.splitlines()
        assert len(log) == 1 and log[0].startswith(f"Changed {ARTICLE}.md: Built "), log
        assert "Edited by sed." in fetch(f"{running.url}/{ARTICLE}/")[1]
    finally:
        running.stop()
        watcher.join(timeout=10)


def test_a_folder_named_like_a_temporary_file_is_watched(tmp_path):
    content = tmp_path / "content"
    (content / "articles" / "sedatives").mkdir(parents=True)
    running = Preview.for_content(content, tmp_path / "output")
    try:
        assert not running.ignored(content / "articles" / "sedatives" / "sleep.md")
        assert not running.ignored(content / "4913" / "notes.md")
        assert running.ignored(content / "articles" / "sedatives" / "sedXy12ab")
        assert running.ignored(content / "articles" / ".hidden" / "notes.md")
    finally:
        running.server.server_close()


def test_a_page_asked_for_while_the_output_is_swapped_is_served_from_the_new_one(tmp_path):
    """A rebuild swaps output/ by two renames; a request in between waits for the new folder
    (seen once in CI: the page vanished between its check and its read)."""
    root = tmp_path / "output"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_bytes(b"new")
    root.rename(tmp_path / "staged")
    threading.Timer(0.1, lambda: (tmp_path / "staged").rename(root)).start()
    assert read_through_swap(root / "a" / "index.html", root) == b"new"
    # A page that is not there, in a folder that is, is not found at once.
    started = time.monotonic()
    assert read_through_swap(root / "b" / "index.html", root) is None
    assert time.monotonic() - started < 0.5


def test_a_reader_who_leaves_before_the_answer_leaves_no_traceback(tmp_path, capfd):
    """A closed tab or a cancelled image resets the connection mid-answer: the server lets it
    go in silence, where http.server would print a traceback into the terminal's output."""
    import struct

    (tmp_path / "big.bin").write_bytes(os.urandom(8 << 20))
    with browser.running(browser.make_server(tmp_path)) as url:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(3):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
            client.recv(1)
            # Close with a reset, as a browser that gives up does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err


def events(preview, path, version, seconds=5.0):
    """The first message of the event stream a page at `path` showing `version` opens,
    or None if none came within `seconds`."""
    query = f"page={urllib.parse.quote(path)}&v={urllib.parse.quote(version)}"
    try:
        with urllib.request.urlopen(
            f"{preview.url}/__preview/events?{query}", timeout=seconds
        ) as s:
            for line in s:
                if line.startswith(b"data:"):
                    return line.decode().strip()
    except TimeoutError:
        return None
    return None


def test_a_page_that_is_already_stale_when_its_stream_connects_reloads_at_once(preview):
    current = preview.outcome.version(f"{ARTICLE}/index.html")
    assert events(preview, f"/{ARTICLE}/", current, seconds=1.0) is None
    assert events(preview, f"/{ARTICLE}/", "0.0", seconds=5.0) is not None


@pytest.mark.browser
def test_the_open_page_is_served_first_and_fetched_once_per_save(preview, chromium):
    page = chromium.new_page()
    page.goto(f"{preview.url}/{ARTICLE}/")
    time.sleep(0.3)  # the page's event stream connects
    assert preview.outcome.open_pages() == {f"{ARTICLE}/index.html"}
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    pushed = []
    push = preview.outcome.push
    preview.outcome.push = lambda name, body: (pushed.append(name), push(name, body))
    before = preview.outcome.generation
    page.evaluate("window.scrollTo(0, 200); window.kept = true")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    preview.article.write_text(preview.article.read_text() + "\nShown before the build ends.\n")
    page.wait_for_function(
        "() => document.body.innerText.includes('Shown before the build ends.')", timeout=5000
    )
    assert wait_for(lambda: preview.outcome.generation > before and not preview.busy)
    time.sleep(0.5)  # a second fetch, if one were asked for, would have landed
    assert pushed == [f"{ARTICLE}/index.html"]
    assert fetched == [f"{preview.url}/{ARTICLE}/"]
    # The page was swapped in, not reloaded: the window and where the reader was stay.
    assert page.evaluate("window.kept") is True
    assert page.evaluate("window.scrollY") == scrolled
    page.close()


def test_a_build_that_a_newer_save_replaces_stops_and_leaves_the_output_as_it_was(tmp_path):
    from sitekit.devtools.preview import Builder
    from tests.support.build import snapshot

    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROOT / "content", content)
    builder = Builder(["--output", str(output), "--content", str(content)])
    try:
        assert builder.build()[0] == 0
        before = snapshot(output)
        article = content / "articles" / f"{ARTICLE}.md"
        article.write_text(article.read_text() + "\nA sentence saved twice.\n")
        # A newer save came at once: the build stops at its first page, nothing swapped in.
        assert builder.build(newer=lambda: True) is None
        assert snapshot(output) == before
        # The next build, in the same warm worker, brings it up to date.
        assert builder.build()[0] == 0
        assert "A sentence saved twice." in (output / ARTICLE / "index.html").read_text()
    finally:
        builder.stop_worker()


def test_a_saved_mistake_is_told_before_the_build_and_the_next_good_save_shows_first(tmp_path):
    """The warm worker checks a saved file before the whole build: its problem, one line
    naming the file and line, reaches the open pages first, and the build then tells the
    same; the save that mends it brings the open page back before the build ends."""
    from sitekit.devtools.preview import Builder

    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROOT / "content", content)
    article = content / "articles" / f"{ARTICLE}.md"
    good = article.read_text("utf-8")
    builder = Builder(["--output", str(output), "--content", str(content)])
    events: list = []
    open_page = frozenset({f"{ARTICLE}/index.html"})

    def save(text: str):
        article.write_text(text, "utf-8")
        events.clear()
        result = builder.build(
            open_page,
            on_page=lambda name, page: events.append(("page", name, page)),
            saved=(str(article),),
            on_failed=lambda problems, page: events.append(("failed", problems, page)),
        )
        events.append(("done", result[0], result[2]))
        return events

    try:
        assert builder.build()[0] == 0
        broken = good.replace("Date: ", "Date: the day after ", 1)
        assert broken != good
        kind, problems, page = save(broken)[0]
        assert kind == "failed" and len(problems) == 1
        assert html.escape(problems[0]).encode() in page  # the error page lists it
        # The file and the line of its Date field (outside the working folder: in full).
        assert problems[0].startswith(f"{article}:2: ") and "not a valid date" in problems[0]
        assert events[-1][:2] == ("done", 1) and problems[0] in events[-1][2]
        # Mended: the open page comes before the build's end, and the build confirms it.
        mended = save(good + "\nMended at last.\n")
        assert mended[0][:2] == ("page", f"{ARTICLE}/index.html")
        assert b"Mended at last." in mended[0][2]
        assert [e[0] for e in mended] == ["page", "done"] and mended[-1][1] == 0
    finally:
        builder.stop_worker()


def test_no_early_page_for_a_file_that_only_the_whole_build_may_judge(tmp_path):
    """A saved file the last build did not read, a symbolic link in its place (which the
    build's containment check refuses), or a file outside content/: no early page."""
    from sitekit import runner
    from sitekit.devtools.quick import Session

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    kept = {}
    argv = ["--output", str(tmp_path / "output"), "--content", str(content)]
    finished = lambda build: kept.update(site=Session(build, str(tmp_path)))  # noqa: E731
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert runner.main(argv, finished=finished) == 0
    site, wanted = kept["site"], frozenset({f"{ARTICLE}/index.html"})
    article = content / "articles" / f"{ARTICLE}.md"
    article.write_text(article.read_text("utf-8") + "\nSaved.\n", "utf-8")
    assert site.early([article], wanted)[1]  # the control: a plain save has one
    outside = tmp_path / "outside.md"
    outside.write_text(article.read_text("utf-8"), "utf-8")
    new = content / "articles" / "new.md"
    new.write_text(article.read_text("utf-8").replace(ARTICLE, "new"), "utf-8")
    assert site.early([outside], wanted) == ([], {})
    assert site.early([new], wanted) == ([], {})
    article.unlink()
    article.symlink_to(outside)
    assert site.early([article], wanted) == ([], {})


def test_the_warm_worker_keeps_no_article_of_an_earlier_build(tmp_path):
    """What the worker does after each build: it keeps the last good build's site for the
    early pages (sitekit.devtools.quick), and no article of any build before it, so the
    worker's memory stays flat however many saves it builds."""
    import gc

    from pelican.contents import Article

    from sitekit import runner
    from sitekit.devtools.quick import Session, forget_pelican_memos

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    kept = {}
    argv = ["--output", str(tmp_path / "output"), "--content", str(content)]
    for _ in range(3):
        finished = lambda build: kept.update(site=Session(build, str(tmp_path)))  # noqa: E731
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert runner.main(argv, finished=finished) == 0
        forget_pelican_memos()
        gc.collect()
        alive = {id(o) for o in gc.get_objects() if isinstance(o, Article)}
        site = kept["site"].context["generated_content"]
        assert alive and alive == {id(o) for o in site.values() if isinstance(o, Article)}
        del site  # (it would keep this build's site alive through the next)
