"""`invoke livereload`: build, serve, and rebuild on every save; the open page follows at once.

- watchfiles (inotify, installed with Pelican) reports a save within about
  50 ms; the livereload package it replaces polled every 800 ms.
- The site stays warm: builds run in a worker process, forked from a
  multiprocessing forkserver that has imported Pelican, Markdown and Jinja,
  which imports our code once and then builds on every save of a source
  (Pelican's content cache reads only the files that changed). A change to
  anything else watched (the project's Python, the theme, the settings) ends
  the worker and builds in a new one, so code changes always apply.
- The server adds a small script to the HTML it sends (never to output/). The
  script listens to /__preview/events (server-sent events), naming the page it
  shows and the build it came from, and reloads the page.
- The open pages first: at a save of an article or a page, the worker checks
  the file and reads it again into its last good build's site, and renders the
  pages open browsers show from it before the build starts
  (sitekit.devtools.quick; a problem in the file shows the error page at once).
  The build then renders those pages again as soon as Pelican writes them and
  sends them only if their bytes differ. The server serves those bytes and
  reloads those pages at once, while the build goes on with every other page, the search
  index and the images into its staging folder. `output/` itself only ever
  changes by the build's swap, so it is always a whole build, and once the
  build is done the early pages are its own files (the build renders them
  again and the worker compares); a page whose bytes differ, or a build that
  made images, reloads once more.
- Every response carries the Content-Security-Policy production sends
  (sitekit.hosting.headers), the search page's on the search page and Pagefind's
  files, with two additions for the preview alone: its reload script, allowed by
  its hash, and `connect-src 'self'` for the event stream. So a page that works
  in the preview works published, and text that slipped past every check still
  runs no script while it is previewed.
- After a failed build, every page is an error page in the site's style that
  lists each problem; the next good build brings the pages back.
- Unknown paths get the site's own 404 page, with status 404.
- Files the build never reads (the settings' IGNORE_FILES, as Pelican applies
  them) and the temporary files of editors and tools (EDITOR_FILES) neither
  start a rebuild nor appear in the log: `sed -i` and most editors write a
  temporary file and rename it over the article, and only the article counts.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import ctypes
import fnmatch
import hashlib
import html
import multiprocessing
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sitekit.devtools.browser import SiteHandler, make_server

EVENTS = "/__preview/events"
# The version of a page as served (`<meta name="preview-version">`): the build it is from
# and the early rendering of it, if any (`Outcome.version`).
VERSION = "preview-version"
# When told, show the page anew; a lost connection (server stopped) retries by itself. The
# stream is told the page shown and its version, so that a page that is already stale when
# the stream connects is shown anew at once. A page with no script of its own (an article,
# a listing, the error page) is fetched and its head and body swapped in, which a browser
# paints sooner than a reload and which keeps the scroll position; any other is reloaded.
RELOAD = (
    "const v = document.querySelector('meta[name=" + VERSION + "]');"
    " const plain = d => [...d.scripts].every(s => s.type === 'application/ld+json'"
    " || s.id === 'preview-reload');"
    " const show = async () => { const r = await fetch(location.href, {cache: 'no-store'});"
    " const d = new DOMParser().parseFromString(await r.text(), 'text/html');"
    " if (!plain(document) || !plain(d)) { location.reload(); return; }"
    " document.head.replaceWith(d.head); document.body.replaceWith(d.body); };"
    " new EventSource('" + EVENTS + "?page=' + encodeURIComponent(location.pathname)"
    " + '&v=' + (v ? v.content : '')).onmessage = () => show().catch(() => location.reload());"
)
SCRIPT = f'<script id="preview-reload">{RELOAD}</script>'.encode()
# The reload script, as a Content-Security-Policy source (the base64 of its sha256).
RELOAD_SOURCE = (
    "'sha256-" + base64.b64encode(hashlib.sha256(RELOAD.encode()).digest()).decode() + "'"
)
# What the forkserver imports once, so that each build starts warm.
PRELOAD = [
    "pelican",
    "pelican.generators",
    "pelican.readers",
    "pelican.writers",
    "markdown",
    "jinja2",
]


# What the watcher puts last in the queue of saves.
STOPPED = object()


# Temporary files that editors and tools make beside the file they save, beyond what the
# settings' IGNORE_FILES leave out (hidden files, `*~`, `#*#`): vim's swap files (hidden
# already, unless its `directory` option puts them elsewhere) and the file it makes to
# probe a folder (4913), `sed -i`'s temporary copy (`sed` and six random letters or
# digits), and partial downloads.
EDITOR_FILES = (
    "*.swp",
    "*.swx",
    "4913",
    "sed" + "[A-Za-z0-9]" * 6,
    "*.tmp",
    "*.part",
    "*.crdownload",
)


def local_settings() -> dict[str, Any] | None:
    """The local settings as the build reads them, or None if they are broken."""
    try:
        from sitekit.runner import LOCAL_SETTINGS, load_settings

        return load_settings(LOCAL_SETTINGS)[0]
    except Exception:
        return None


def content_path(settings: dict[str, Any] | None) -> Path:
    """The content folder (Pelican's PATH); with broken settings, `content`."""
    return Path(settings["PATH"] if settings else "content")


def build_ignores(settings: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The patterns of IGNORE_FILES, as the build reads them; with broken settings,
    Pelican's own default."""
    if settings is None:
        from pelican.settings import DEFAULT_CONFIG

        return tuple(DEFAULT_CONFIG["IGNORE_FILES"])
    return tuple(settings["IGNORE_FILES"])


@dataclass(frozen=True)
class Policies:
    """Production's Content-Security-Policy directives, as the last build's code and
    stylesheet make them: a page's, and the search page's below these paths."""

    page: dict[str, str]
    search: dict[str, str]
    search_paths: tuple[str, ...]

    def for_path(self, path: str) -> str:
        """The policy a response for this URL path carries, the reload script allowed."""
        search = path.startswith(self.search_paths)
        directives = dict(self.search if search else self.page)
        directives["script-src"] = " ".join(
            part for part in (directives.get("script-src"), RELOAD_SOURCE) if part
        )
        if "'self'" not in directives.get("connect-src", "").split():
            directives["connect-src"] = " ".join(
                part for part in (directives.get("connect-src"), "'self'") if part
            )
        return "; ".join(f"{name} {value}" for name, value in directives.items())


# Before any build has told the site's policies: nothing but the reload script.
STRICTEST = Policies({"default-src": "'none'"}, {"default-src": "'none'"}, ())


@dataclass
class Outcome:
    """The last build, as the server shows it, and the pages the running build has
    rendered first."""

    generation: int = 0
    problems: list[str] = field(default_factory=list)
    error_page: bytes = b""
    policies: Policies | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)
    # The running build's early pages: name below the output -> (number, bytes).
    early: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    pushed: int = 0
    # The pages whose early bytes the last build confirmed: their pages need no reload.
    confirmed: frozenset[str] = frozenset()
    # Name below the output -> how many event streams show it.
    watching: dict[str, int] = field(default_factory=dict)

    def publish(
        self,
        problems: list[str],
        error_page: bytes,
        policies: Policies,
        confirmed: frozenset[str] = frozenset(),
    ) -> None:
        with self.changed:
            self.generation += 1
            self.problems, self.error_page, self.policies = problems, error_page, policies
            self.early, self.confirmed = {}, confirmed
            self.changed.notify_all()

    def push(self, name: str, page: bytes) -> None:
        """A page of the running build, rendered first: served and reloaded at once."""
        with self.changed:
            self.pushed += 1
            self.early[name] = (self.pushed, page)
            self.changed.notify_all()

    def version(self, name: str | None) -> str:
        """What a page served now shows: the last build, and its early rendering if any."""
        early = self.early.get(name or "")
        return f"{self.generation}.{early[0] if early else 0}"

    def open_pages(self) -> frozenset[str]:
        with self.changed:
            return frozenset(name for name, count in self.watching.items() if count)


def serve_builds(connection: Any, cancel: Any) -> None:
    """The warm worker: imports our code once, then builds on every request until told
    to stop (None) or its parent goes. A request is (argv, the pages to render first,
    its number, the files saved). Before the build, the saved files are checked and read
    into the last good build's site (sitekit.devtools.quick): it sends back ("failed",
    problems) if they have any, else ("page", name, bytes) for each open page it could
    render from them; then the build's own ("page", ...) for each open page whose bytes
    differ, and ("done", result, cancelled)."""
    import sitekit.runner  # noqa: F401  (once, before the first save)

    # Where the early pages' writer makes its folders, for the worker's life.
    scratch = tempfile.mkdtemp(prefix="sitekit-open-pages-")
    try:
        serve_requests(connection, cancel, scratch)
    except OSError:  # the preview stopped while a build ran: nobody left to tell
        return
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def serve_requests(connection: Any, cancel: Any, scratch: str) -> None:
    import gc

    from sitekit.devtools.quick import Session, forget_pelican_memos

    # The last good build's site, kept until the next good build ends.
    session: Session | None = None
    # Whether the last build left garbage that is not collected yet.
    uncollected = False

    def keep(build: Any) -> None:
        nonlocal session
        session = Session(build, scratch)

    def collect() -> None:
        # What the build left, so that the worker's memory stays flat: Pelican's memos,
        # which keep every text it made, and what is left in cycles (a build pauses the
        # collector). Some 0.5 s at 5,000 articles.
        nonlocal uncollected
        forget_pelican_memos()
        gc.collect()
        give_memory_back()
        uncollected = False

    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        argv, first_pages, number, saved = request

        def cancelled(number: int = number) -> bool:
            # The parent's word: a newer save makes builds up to this number pointless.
            return cancel.value >= number

        early: dict[str, bytes] = {}
        if session is not None and saved:
            problems, early = session.early(saved, first_pages)
            if problems:
                site_name, css, _ = site_style(argv)
                connection.send(("failed", problems, error_page(problems, site_name, css)))
            for name, page in early.items():
                connection.send(("page", name, page))
        if uncollected:
            collect()
        result = build_once(argv, first_pages, connection, cancelled, early, keep)
        connection.send(("done", result, bool(result[0]) and cancelled()))
        uncollected = True
        # Collected while the editor reads, unless a save comes within the second: then
        # after its early pages (above), which it would otherwise wait for.
        if not connection.poll(1.0):
            collect()


def give_memory_back() -> None:
    """Hand the heap's free memory back to the system (glibc's malloc_trim): a build frees
    most of what it made, and without this the worker's resident memory creeps up."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def build_once(
    argv: list[str],
    first_pages: frozenset[str],
    connection: Any,
    cancelled: Callable[[], bool] = lambda: False,
    early: dict[str, bytes] | None = None,
    finished: Callable[[Any], None] | None = None,
) -> tuple:
    """One build in this process: (code, summary, problems, error page, policies, the
    early pages that the output holds byte for byte). `early`: the pages already sent
    before the build, sent again only if the build renders them otherwise."""
    import contextlib
    import io

    from sitekit import runner as site_build

    early = dict(early or {})

    def first_page(name: str, page: bytes) -> None:
        if early.get(name) != page:
            early[name] = page
            connection.send(("page", name, page))

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = site_build.main(
                argv,
                first_pages=first_pages,
                first_page=first_page,
                cancelled=cancelled,
                finished=finished,
            )
        except Exception as error:  # the worker lives on; the next save builds again
            print(f"error: the build stopped: {type(error).__name__}: {error}", file=sys.stderr)
            code = 1
    problems = [line.removeprefix("error: ") for line in stderr.getvalue().splitlines()]
    problems = [p for p in problems if not p.startswith(("Build failed with", "note: "))]
    site_name, css, search_url = site_style(argv)
    summary = stdout.getvalue().strip()
    confirmed: frozenset[str] = frozenset()
    if not code and not re.search(r"^Images: [1-9]", summary, re.MULTILINE):
        # Pages whose early bytes are the output's: their open pages need no second reload
        # (unless the build made images, which their early rendering found missing).
        output = Path(argv[argv.index("--output") + 1])
        confirmed = frozenset(
            name for name, page in early.items() if read_through_swap(output / name, output) == page
        )
    page = error_page(problems, site_name, css) if code else b""
    return (code, summary, problems, page, production_policies(css, search_url), confirmed)


def site_style(argv: list[str]) -> tuple[str, str, str]:
    """The site's name, its stylesheet as every page inlines it, and the search page's URL."""
    try:
        from sitekit.runner import LOCAL_SETTINGS, PRODUCTION_SETTINGS, load_settings
        from sitekit.templating.inline_css import read_stylesheet

        settings_file = PRODUCTION_SETTINGS if "--production" in argv else LOCAL_SETTINGS
        settings, options = load_settings(settings_file)
        return (
            settings["SITENAME"],
            read_stylesheet(settings, options),
            settings.get("SEARCH_URL", "search/"),
        )
    except Exception:  # the settings may be what is broken; the list shows all the same
        return "The site", "", "search/"


def read_through_swap(path: Path, root: Path, seconds: float = 1.0) -> bytes | None:
    """The file's bytes, or None if it does not exist. A rebuild swaps the output folder
    for its staged one by two renames, between which the folder is missing for a moment:
    a request that falls in that gap waits for the new folder (`root`) instead of failing;
    a page missing from a folder that is there is simply not found."""
    deadline = time.monotonic() + seconds
    retried = False
    while True:
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            if root.exists():
                if retried:
                    return None
                retried = True  # the folder may have come back since the read: once more
                continue
            if time.monotonic() > deadline:
                return None
            time.sleep(0.01)


def production_policies(stylesheet: str, search_url: str) -> Policies:
    """Production's policies (sitekit.hosting.headers) for this stylesheet."""
    from sitekit.hosting.headers import csp_directives

    return Policies(
        csp_directives(stylesheet),
        csp_directives(stylesheet, search=True),
        # As nginx and the hosts apply the search page's policy (hosting.headers).
        ("/" + search_url.strip("/") + "/", "/pagefind/"),
    )


def error_page(problems: list[str], site_name: str = "The site", css: str = "") -> bytes:
    """A page in the site's style (its stylesheet and header) that lists every problem."""
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · {html.escape(site_name)}</title>
<style>{css}</style>
</head>
<body>
<header class="site-header"><span class="site-name">{html.escape(site_name)}</span></header>
<main id="main">
<h1>The build failed</h1>
<p class="notice" role="alert">Fix what is listed here and save: this page turns back into the site by itself.</p>
<ul>
{items}
</ul>
</main>
</body>
</html>
""".encode()


Result = tuple[int, str, list[str], bytes, "Policies | None", frozenset[str]]


class Builder:
    """Builds in a warm worker process (`serve_builds`), forked from a forkserver that has
    imported Pelican and the libraries; `fresh=True` replaces the worker first."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.worker: Any = None
        self.connection: Any = None
        self.starting: threading.Thread | None = None
        self.cancel: Any = None  # shared with the worker: builds up to this number stop
        self.requests = 0
        atexit.register(self.stop_worker)  # before multiprocessing waits for its children

    def start_worker(self) -> None:
        self.stop_worker()
        self.connection, theirs = self.context.Pipe()
        self.cancel = self.context.Value("q", 0, lock=False)
        # Not a daemon: a build forks processes of its own. It ends when told, or when
        # this process has gone (its end of the pipe closes).
        self.worker = self.context.Process(target=serve_builds, args=(theirs, self.cancel))
        self.worker.start()
        theirs.close()

    def stop_worker(self) -> None:
        if self.starting is not None and self.starting is not threading.current_thread():
            self.starting.join()
            self.starting = None
        if self.worker is None:
            return
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.worker.join(5)
        if self.worker.is_alive():
            self.worker.kill()
            self.worker.join()
        self.connection.close()
        self.worker = self.connection = None

    def warm_up(self) -> None:
        """Start the worker in the background; the first build waits for it."""
        self.starting = threading.Thread(target=self.start_worker, daemon=True)
        self.starting.start()

    def build(
        self,
        first_pages: frozenset[str] = frozenset(),
        on_page: Callable[[str, bytes], None] = lambda name, page: None,
        fresh: bool = False,
        newer: Callable[[], bool] = lambda: False,
        saved: tuple[str, ...] = (),
        on_failed: Callable[[list[str], bytes], None] = lambda problems, page: None,
    ) -> Result | None:
        """The build's result, or None if it was cancelled because `newer()` became true
        (a newer save): the worker stops it at its next page or step, and nothing is
        swapped in. `saved`: the files saved below the content folder, which the worker
        checks and reads before the build to render the open pages from (`on_page`), or
        tell their problems (`on_failed`) at once."""
        if self.starting is not None:
            self.starting.join()
            self.starting = None
        if fresh or self.worker is None or not self.worker.is_alive():
            self.start_worker()
        try:
            self.requests += 1
            self.connection.send((self.argv, first_pages, self.requests, saved))
            while True:
                if not self.connection.poll(0.02):
                    if newer():
                        self.cancel.value = self.requests
                    continue
                message = self.connection.recv()
                if message[0] == "page":
                    on_page(message[1], message[2])
                elif message[0] == "failed":
                    on_failed(message[1], message[2])
                else:
                    return None if message[2] else message[1]
        except (EOFError, OSError):
            self.stop_worker()
            ended = "the build process ended without a word (see the terminal)"
            return (1, "", [ended], error_page([ended]), None, frozenset())


def page_name(path: str) -> str | None:
    """The file below the output that serves this URL path, if it is a page."""
    path = unquote(path)
    if path.endswith("/"):
        path += "index.html"
    elif "." not in path.rsplit("/", 1)[-1]:
        path += "/index.html"
    name = path.lstrip("/")
    if not name.endswith(".html") or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return name


class PreviewHandler(SiteHandler):
    """Serves the output with the reload script, the running build's early pages, or the
    error page after a failed build."""

    outcome: Outcome

    def end_headers(self) -> None:
        # Every response, pages, files, the 404 page and the event stream alike.
        if (policies := self.outcome.policies) is not None:
            self.send_header("Content-Security-Policy", policies.for_path(self.path))
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS:
            self.stream_events()
            return
        name = page_name(path)
        early = self.outcome.early.get(name or "")
        if early is not None:
            self.send_page(HTTPStatus.OK, early[1], name)
            return
        is_page = path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]
        if self.outcome.problems and is_page:
            self.send_page(HTTPStatus.INTERNAL_SERVER_ERROR, self.outcome.error_page, name)
            return
        target = Path(self.translate_path(path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        version = self.outcome.version(name)
        page = read_through_swap(target, Path(self.directory)) if target.suffix == ".html" else None
        if page is not None:
            self.send_page(HTTPStatus.OK, page, name, version)
            return
        super().do_GET()  # other files, the redirect to "dir/", and the 404 page

    def not_found_body(self, page: bytes) -> bytes:
        return with_script(page)

    def send_page(
        self, status: HTTPStatus, page: bytes, name: str | None, version: str | None = None
    ) -> None:
        body = with_script(page, version or self.outcome.version(name))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self) -> None:
        """Tell the page to reload when what it shows is stale: after each build, or at
        once when the running build has rendered it first (then not again after the
        build, unless the build's bytes differ)."""
        query = parse_qs(urlsplit(self.path).query)
        name = page_name(query.get("page", [""])[0]) or ""
        shown = query.get("v", [""])[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        outcome = self.outcome
        with outcome.changed:
            outcome.watching[name] = outcome.watching.get(name, 0) + 1
            generation = outcome.generation
            early = outcome.early.get(name)
            # Showing the running build's early page: no reload when the build confirms it.
            had_early = early is not None and shown == outcome.version(name)
            stale = bool(shown) and shown != outcome.version(name)
            seen = early[0] if early else 0
        try:
            if stale:
                self.tell(generation)
            while True:
                with outcome.changed:
                    outcome.changed.wait_for(
                        lambda g=generation, e=seen: (
                            outcome.generation != g or outcome.early.get(name, (e,))[0] != e
                        ),
                        15,
                    )
                    now, early = outcome.generation, outcome.early.get(name)
                    confirmed = name in outcome.confirmed
                if now != generation:
                    generation, seen = now, 0
                    if not (had_early and confirmed):
                        self.tell(now)
                    had_early = False
                elif early is not None and early[0] != seen:
                    seen, had_early = early[0], True
                    self.tell(now)
                else:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return
        finally:
            with outcome.changed:
                outcome.watching[name] -= 1

    def tell(self, generation: int) -> None:
        self.wfile.write(f"data: {generation}\n\n".encode())
        self.wfile.flush()


def with_script(page: bytes, version: str = "") -> bytes:
    tag = f'<meta name="{VERSION}" content="{version}">'.encode() + SCRIPT
    head, marker, tail = page.rpartition(b"</body>")
    return head + tag + marker + tail if marker else page + tag


class Preview:
    """The live preview: `start()` builds and serves, `watch()` rebuilds until `stop()`."""

    def __init__(
        self,
        output: Path,
        watched: list[Path],
        host: str = "127.0.0.1",
        port: int = 0,
        build_args: tuple[str, ...] = (),
        quiet: bool = False,
        content: Path | None = None,
    ) -> None:
        self.output = output
        self.quiet = quiet
        self.watched = [path for path in watched if path.exists()]
        self.outcome = Outcome()
        handler = type("Handler", (PreviewHandler,), {"outcome": self.outcome})
        output.mkdir(parents=True, exist_ok=True)
        self.server = make_server(output, host, port, quiet=True, handler=handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.builder = Builder(["--output", str(output), *build_args])
        # The worker starts (the forkserver imports Pelican, the worker our code) while
        # this process reads the settings.
        self.builder.warm_up()
        settings = local_settings()
        self.ignore_files = build_ignores(settings)
        # A save below it builds in the warm worker; any other change, in a new one.
        self.content = (content or content_path(settings)).resolve()
        self.stopping = threading.Event()
        self.busy = False  # a build is running (the tests wait for the preview to settle)
        self.saved_meanwhile = threading.Event()

    @classmethod
    def for_content(cls, content: Path, output: Path, quiet: bool = True) -> Preview:
        """A preview of another content folder (the tests', the benchmark's)."""
        return cls(
            output, [content], build_args=("--content", str(content)), quiet=quiet, content=content
        )

    def start(self) -> None:
        self.started_from = self.stamp()
        self.rebuild("Start")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ignored(self, path: Path) -> bool:
        """Whether a change to this file is no edit: the file, or a folder it is in below
        a watched folder, matches IGNORE_FILES (as Pelican matches them), or the file's name
        EDITOR_FILES (a folder `sedatives/` is the editor's own)."""
        for root in self.watched:
            if path == root:
                parts = [path.name]
            elif path.is_relative_to(root):
                parts = path.relative_to(root).parts
            else:
                continue
            return (
                "__pycache__" in parts
                or any(
                    fnmatch.fnmatch(part, pattern)
                    for part in parts
                    for pattern in self.ignore_files
                )
                or any(fnmatch.fnmatch(parts[-1], pattern) for pattern in EDITOR_FILES)
            )
        return False

    def stamp(self) -> tuple[int, int]:
        """The newest modification time and the number of the watched files."""
        files = [
            p
            for path in self.watched
            for p in ([path] if path.is_file() else path.rglob("*"))
            if not self.ignored(p)
        ]
        return max((p.stat().st_mtime_ns for p in files if p.exists()), default=0), len(files)

    def rebuild(self, reason: str, fresh: bool = False, saved: tuple[str, ...] = ()) -> None:
        self.busy = True
        try:
            self._rebuild(reason, fresh, saved)
        finally:
            self.busy = False

    def _rebuild(self, reason: str, fresh: bool, saved: tuple[str, ...] = ()) -> None:
        started = time.perf_counter()
        result = self.builder.build(
            # After a change to the code, the theme or the settings the early page could
            # name assets the output does not have yet: the whole build first then.
            frozenset() if fresh else self.outcome.open_pages(),
            self.outcome.push,
            fresh=fresh,
            newer=self.saved_meanwhile.is_set,
            saved=saved,
            on_failed=self.show_problems,
        )
        if result is None:  # a newer save builds next; its pages replace the early ones
            if not self.quiet:
                print(f"{reason}: replaced by a newer save", flush=True)
            return
        code, summary, problems, page, policies, confirmed = result
        # A build that ended without a word keeps the last policies, or the strictest.
        policies = policies or self.outcome.policies or STRICTEST
        self.outcome.publish(problems if code else [], page, policies, confirmed)
        took = f"{time.perf_counter() - started:.2f} s"
        if self.quiet:
            return
        if code:
            print(f"{reason}: the build failed ({took}); the open page shows why:", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(
                f"{reason}: {summary.splitlines()[0] if summary else 'built'} ({took})", flush=True
            )

    def show_problems(self, problems: list[str], page: bytes) -> None:
        """The problems the worker found in the saved files before the build, and their
        error page: every page shows it at once (the build that follows tells them all
        again)."""
        self.outcome.publish(problems, page, self.outcome.policies or STRICTEST)

    def changed(self, changes: set[tuple[Any, str]]) -> list[str]:
        """The changed files that are edits: not the output, the caches or what is ignored."""
        ignored = [self.output, self.output.parent / f".{self.output.name}.cache"]
        return sorted(
            path
            for _, path in changes
            if not any(Path(path).is_relative_to(folder) for folder in ignored)
            and not self.ignored(Path(path))
        )

    def listen(self, saves: queue.Queue) -> None:
        """Put each batch of edits in `saves` (None when a while passed without one), and
        tell a running build that a newer save came (`saved_meanwhile`)."""
        import watchfiles

        try:
            for changes in watchfiles.watch(
                *self.watched,
                step=20,
                debounce=400,
                stop_event=self.stopping,
                yield_on_timeout=True,
                rust_timeout=300,
            ):
                names = self.changed(changes) if changes else None
                if changes and not names:
                    continue
                saves.put(names)
                if names:
                    self.saved_meanwhile.set()
        finally:
            saves.put(STOPPED)

    def watch(self) -> None:
        saves: queue.Queue = queue.Queue()
        threading.Thread(target=self.listen, args=(saves,), daemon=True).start()
        caught_up = False
        try:
            while (names := saves.get()) is not STOPPED:
                if names is None:
                    if not caught_up:
                        # The watcher runs now; a save made while it started is built here.
                        caught_up = True
                        if self.stamp() != self.started_from:
                            self.rebuild("Changed while starting", fresh=True)
                    continue
                # Every save made while the last build ran: one build sees them all.
                self.saved_meanwhile.clear()
                while not saves.empty():
                    more = saves.get()
                    if more is STOPPED:
                        return
                    names += more or []
                names = sorted(set(names))
                more = f" and {len(names) - 1} more" if len(names) > 1 else ""
                fresh = not all(Path(name).is_relative_to(self.content) for name in names)
                saved = () if fresh else tuple(names)
                self.rebuild(f"Changed {Path(names[0]).name}{more}", fresh=fresh, saved=saved)
                caught_up = True  # this build saw every change made so far
        finally:
            self.server.shutdown()
            self.server.server_close()
            self.builder.stop_worker()

    def stop(self) -> None:
        self.stopping.set()


def serve_content(content: str, output: str, port: int) -> None:
    """A preview of another content folder until interrupted: the benchmark runs it in a
    process of its own, as `invoke livereload` runs."""
    preview = Preview(
        Path(output),
        [Path(content)],
        port=port,
        build_args=("--content", content),
        quiet=True,
        content=Path(content),
    )
    # Stopped as Ctrl-C stops `invoke livereload`: the worker is told to end.
    signal.signal(signal.SIGTERM, lambda number, frame: preview.stop())
    preview.start()
    with contextlib.suppress(KeyboardInterrupt):
        preview.watch()
