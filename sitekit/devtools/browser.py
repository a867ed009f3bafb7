"""Serve a built site on loopback and open it in Debian's Chromium.

Shared by the browser tests and `invoke screenshots`, so both see the site the
same way a reader's browser does: over HTTP, with pretty URLs resolved.
"""

from __future__ import annotations

import errno
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# The network here is closed: without these, Chromium keeps trying to phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site as a host would: unknown paths get the site's own 404 page."""

    quiet = True

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = self.not_found_body(page.read_bytes())
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def not_found_body(self, page: bytes) -> bytes:
        return page


class Server(ThreadingHTTPServer):
    """A threading server that lets a reader who left before the answer go: a closed tab or a
    cancelled image is no error, and its traceback would break into the terminal's output."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class PortBusyError(OSError):
    """Another program is listening on the port."""


def make_server(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    quiet: bool = True,
    handler: type[SiteHandler] = SiteHandler,
) -> ThreadingHTTPServer:
    """A server for `folder`; PortBusyError, with a one-line message, if the port is taken."""
    bound = type("Handler", (handler,), {"quiet": quiet})
    try:
        return Server((host, port), partial(bound, directory=str(folder)))
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise PortBusyError(
            f"port {port} is already in use, probably by another `invoke serve` or `invoke "
            f"livereload`. Stop that one, or choose another port: --port {port + 1}"
        ) from None


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free loopback port for the duration of the block; yields its URL."""
    with running(make_server(folder)) as url:
        yield url


@contextmanager
def running(server: Any) -> Iterator[str]:
    """Run a loopback HTTP server in a thread for the duration of the block; yields its URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


RECORD_CSP_VIOLATIONS = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def routed_context(chromium: Any, site_url: str, server: str, **options: Any) -> Any:
    """A browser context where requests for `site_url` are answered by `server`, headers and all,
    and each page records its CSP violations in `window.__csp`; `options` go to the context
    (`ignore_https_errors=True` for a server with a test certificate).

    Production pages name the site's public address; this serves them from loopback.
    """
    context = chromium.new_context(**options)
    context.route(
        site_url + "/**",
        lambda route: pass_on(route, url=route.request.url.replace(site_url, server)),
    )
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context


def pass_on(route: Any, url: str | None = None, headers: dict[str, str] | None = None) -> None:
    """Answer a routed request with what the server at `url` (its own by default) answers,
    with `headers` added."""
    from playwright.sync_api import Error

    try:
        response = route.fetch(url=url)
        route.fulfill(response=response, headers={**response.headers, **(headers or {})})
    except Error as error:
        # A request still in flight when its page or context closes (a lazy image, a
        # favicon) has no one left to answer: that is the test ending, not a fault.
        if "disposed" not in str(error) and "closed" not in str(error):
            raise
