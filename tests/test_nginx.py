"""Debian's nginx with our deploy/nginx.conf, serving a fresh production build on loopback."""

import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import brotli
import pytest

from sitekit.devtools.browser import routed_context
from sitekit.runner.steps import headers
from tests.support.pages import PRODUCTION_URL, ROOT, page_paths
from tests.support.tools import require_tool

pytestmark = pytest.mark.browser

# Debian's libnginx-mod-http-brotli-static, which brotli_static in our config needs.
BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

MAIN_CONFIG = """\
daemon off;
worker_processes 1;
user {user};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
load_module {brotli_module};
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{server}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def our_server_block(root, port):
    """deploy/nginx.conf as committed, pointed at this build and this port."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    config = re.sub(r"(?m)^    root .*;$", f"    root {root};", config, count=1)
    return re.sub(r"(?m)^    listen .*;$", f"    listen 127.0.0.1:{port};", config, count=1)


@pytest.fixture(scope="session")
def nginx(production, tmp_path_factory):
    require_tool(shutil.which("nginx"), "Debian's nginx is not installed")
    require_tool(
        os.path.exists(BROTLI_MODULE), "Debian's libnginx-mod-http-brotli-static is not installed"
    )
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    (tmp / "nginx.conf").write_text(
        MAIN_CONFIG.format(
            tmp=tmp,
            # pytest's temporary folders are private to their owner: workers must run as us.
            user="root" if os.geteuid() == 0 else os.getlogin(),
            brotli_module=BROTLI_MODULE,
            server=our_server_block(production.output, port),
        )
    )
    check = subprocess.run(
        ["nginx", "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
        check=False,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        ["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], stderr=subprocess.PIPE
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
    yield origin
    process.terminate()
    process.wait(timeout=10)


def fetch(url, **request_headers):
    request = urllib.request.Request(url, headers=request_headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


ARTICLE_PATHS = ["/", "/back-massage-therapy/", "/massage-therapy-for-the-upper-back/"]


@pytest.mark.parametrize("path", ARTICLE_PATHS)
def test_pages_are_served_as_utf8_html(nginx, production, path):
    status, response_headers, body = fetch(nginx + path)
    assert status == 200
    assert response_headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (production.output / path.lstrip("/") / "index.html").read_bytes()


def test_unknown_path_gets_our_404_page(nginx, production):
    status, response_headers, body = fetch(nginx + "/no-such-page/")
    assert status == 404
    assert body == (production.output / "404.html").read_bytes()
    assert "Content-Security-Policy" in response_headers


@pytest.mark.parametrize(
    "encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_precompressed_twins_are_served(nginx, production, encoding, decompress):
    status, response_headers, body = fetch(
        nginx + "/back-massage-therapy/", **{"Accept-Encoding": encoding}
    )
    assert status == 200
    assert response_headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response_headers["Vary"]
    suffix = {"gzip": ".gz", "br": ".br"}[encoding]
    assert body == (production.output / "back-massage-therapy" / f"index.html{suffix}").read_bytes()
    assert (
        decompress(body) == (production.output / "back-massage-therapy" / "index.html").read_bytes()
    )


def test_every_security_header_and_cache_policy(nginx, production, stylesheet):
    icon = next((production.output / "theme").glob("favicon.*.svg")).name
    expected_cache = {
        "/": headers.CACHE_REVALIDATE,
        "/sitemap.xml": headers.CACHE_REVALIDATE,
        "/feeds/all.atom.xml": headers.CACHE_REVALIDATE,
        f"/theme/{icon}": headers.CACHE_IMMUTABLE,
    }
    for path, cache_control in expected_cache.items():
        status, response_headers, _ = fetch(nginx + path)
        assert status == 200, path
        for name, value in headers.security_headers(stylesheet).items():
            assert response_headers[name] == value, (path, name)
        assert response_headers["Cache-Control"] == cache_control, path
    assert fetch(nginx + "/_headers")[0] == 404


def test_no_csp_violation_in_chromium(chromium, nginx, production):
    paths = page_paths(production.output)
    problems = []
    # The pages name https://example.org; our nginx answers those requests.
    context = routed_context(chromium, PRODUCTION_URL, nginx)
    # One tab per page, none navigated away, so no request is cut short; then
    # wait until each tab's network is idle (at once for those already idle).
    tabs = {}
    for path in paths:
        page = tabs[path] = context.new_page()
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and problems.append(f"console: {m.text}"),
        )
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        response = page.goto(PRODUCTION_URL + path, wait_until="load")
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        # The inline stylesheet was allowed by its hash: the page is styled.
        if page.evaluate("getComputedStyle(document.body).maxWidth") == "none":
            problems.append(f"{path}: the inline stylesheet was blocked")
    for path, page in tabs.items():
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    context.close()
    assert problems == []


def test_search_from_the_home_page_through_nginx(chromium, nginx):
    problems = []
    context = routed_context(chromium, PRODUCTION_URL, nginx)
    page = context.new_page()
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.goto(PRODUCTION_URL + "/")
    page.wait_for_load_state("networkidle")  # leaving earlier would cut the favicon's request short
    page.fill("#site-search", "petrissage")
    page.press("#site-search", "Enter")
    page.wait_for_function(
        "() => /match/.test(document.getElementById('search-status')?.textContent)", timeout=5000
    )
    assert page.url == PRODUCTION_URL + "/search/?q=petrissage"
    links = [a.get_attribute("href") for a in page.locator("#search-results a").all()]
    assert links == ["/back-massage-therapy/"]  # and not the upper back article
    problems += page.evaluate("window.__csp")
    context.close()
    assert problems == []
