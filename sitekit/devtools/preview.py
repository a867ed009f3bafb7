"""`invoke livereload`: build, serve, and rebuild on every save; the open page follows at once.

- watchfiles (inotify, installed with Pelican) reports a save within about
  50 ms; the livereload package it replaces polled every 800 ms.
- Each rebuild runs in a new process forked from a multiprocessing forkserver
  that has imported Pelican, Markdown and Jinja but none of our code. So every
  rebuild sees the current Python of the project, its templates and settings,
  without paying for a new interpreter.
- The server adds a small script to the HTML it sends (never to output/). The
  script listens to /__preview/events (server-sent events) and reloads the
  page after every build.
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

import base64
import fnmatch
import hashlib
import html
import multiprocessing
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from sitekit.devtools.browser import SiteHandler, make_server

EVENTS = "/__preview/events"
# Reload after each build; a lost connection (server stopped) retries by itself.
RELOAD = "new EventSource('" + EVENTS + "').onmessage = () => location.reload();"
SCRIPT = f"<script>{RELOAD}</script>".encode()
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


def build_ignores() -> tuple[str, ...]:
    """The patterns of IGNORE_FILES in the local settings, as the build reads them."""
    try:
        from sitekit.runner import LOCAL_SETTINGS, load_settings

        settings, _ = load_settings(LOCAL_SETTINGS)
        return tuple(settings["IGNORE_FILES"])
    except Exception:  # the settings may be what is broken: Pelican's own default then
        from pelican.settings import DEFAULT_CONFIG

        return tuple(DEFAULT_CONFIG["IGNORE_FILES"])


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
    """The last build, as the server shows it."""

    generation: int = 0
    problems: list[str] = field(default_factory=list)
    error_page: bytes = b""
    policies: Policies | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[str], error_page: bytes, policies: Policies) -> None:
        with self.changed:
            self.generation += 1
            self.problems, self.error_page, self.policies = problems, error_page, policies
            self.changed.notify_all()


def build_in_child(argv: list[str], connection: Any) -> None:
    """Runs in a fresh process: build, and send back the problems and an error page."""
    import contextlib
    import io

    from sitekit import runner as site_build

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = site_build.main(argv)
    problems = [line.removeprefix("error: ") for line in stderr.getvalue().splitlines()]
    problems = [p for p in problems if not p.startswith("Build failed with")]
    site_name, css, search_url = site_style(argv)
    page = error_page(problems, site_name, css) if code else b""
    connection.send(
        (code, stdout.getvalue().strip(), problems, page, production_policies(css, search_url))
    )
    connection.close()


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


class Builder:
    """Runs each build in a fresh process from a warm forkserver."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)

    def build(self) -> tuple[int, str, list[str], bytes, Policies | None]:
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(target=build_in_child, args=(self.argv, sender))
        process.start()
        sender.close()
        try:
            result = receiver.recv()
        except EOFError:
            ended = "the build process ended without a word (see the terminal)"
            result = (1, "", [ended], error_page([ended]), None)
        process.join()
        return result


class PreviewHandler(SiteHandler):
    """Serves the output with the reload script, or the error page after a failed build."""

    outcome: Outcome

    def end_headers(self) -> None:
        # Every response, pages, files, the 404 page and the event stream alike.
        if (policies := self.outcome.policies) is not None:
            self.send_header("Content-Security-Policy", policies.for_path(self.path))
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS:
            self.stream_events()
            return
        is_page = path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]
        if self.outcome.problems and is_page:
            self.send_page(HTTPStatus.INTERNAL_SERVER_ERROR, self.outcome.error_page)
            return
        target = Path(self.translate_path(path))
        if target.is_dir() and path.endswith("/"):
            target = target / "index.html"
        page = read_through_swap(target, Path(self.directory)) if target.suffix == ".html" else None
        if page is not None:
            self.send_page(HTTPStatus.OK, page)
            return
        super().do_GET()  # other files, the redirect to "dir/", and the 404 page

    def not_found_body(self, page: bytes) -> bytes:
        return with_script(page)

    def send_page(self, status: HTTPStatus, page: bytes) -> None:
        body = with_script(page)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        outcome, seen = self.outcome, [self.outcome.generation]
        try:
            while True:
                with outcome.changed:
                    outcome.changed.wait_for(lambda: outcome.generation != seen[0], 15)
                if outcome.generation != seen[0]:
                    seen[0] = outcome.generation
                    self.wfile.write(f"data: {seen[0]}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except OSError:  # the tab was closed or reloaded
            return


def with_script(page: bytes) -> bytes:
    head, marker, tail = page.rpartition(b"</body>")
    return head + SCRIPT + marker + tail if marker else page + SCRIPT


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
    ) -> None:
        self.output = output
        self.quiet = quiet
        self.watched = [path for path in watched if path.exists()]
        self.ignore_files = build_ignores()
        self.builder = Builder(["--output", str(output), *build_args])
        self.outcome = Outcome()
        handler = type("Handler", (PreviewHandler,), {"outcome": self.outcome})
        output.mkdir(parents=True, exist_ok=True)
        self.server = make_server(output, host, port, quiet=True, handler=handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.stopping = threading.Event()

    @classmethod
    def for_content(cls, content: Path, output: Path, quiet: bool = True) -> Preview:
        """A preview of another content folder (the tests', the benchmark's)."""
        return cls(output, [content], build_args=("--content", str(content)), quiet=quiet)

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

    def rebuild(self, reason: str) -> None:
        started = time.perf_counter()
        code, summary, problems, page, policies = self.builder.build()
        # A build that ended without a word keeps the last policies, or the strictest.
        policies = policies or self.outcome.policies or STRICTEST
        self.outcome.publish(problems if code else [], page, policies)
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

    def watch(self) -> None:
        import watchfiles

        ignored = [self.output, self.output.parent / f".{self.output.name}.cache"]
        caught_up = False
        try:
            for changes in watchfiles.watch(
                *self.watched,
                step=20,
                debounce=400,
                stop_event=self.stopping,
                yield_on_timeout=True,
                rust_timeout=300,
            ):
                if not changes and not caught_up:
                    # The watcher runs now; a save made while it started is built here.
                    caught_up = True
                    if self.stamp() != self.started_from:
                        self.rebuild("Changed while starting")
                    continue
                names = sorted(
                    path
                    for _, path in changes
                    if not any(Path(path).is_relative_to(folder) for folder in ignored)
                    and not self.ignored(Path(path))
                )
                if names:
                    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
                    self.rebuild(f"Changed {Path(names[0]).name}{more}")
                    caught_up = True  # this build saw every change made so far
        finally:
            self.server.shutdown()
            self.server.server_close()

    def stop(self) -> None:
        self.stopping.set()
