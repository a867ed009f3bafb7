"""Debian's nginx with our deploy/nginx.conf, serving a fresh production build on loopback."""

import gzip
import urllib.error
import urllib.request

import brotli
import pytest

from sitekit.devtools.browser import routed_context
from sitekit.runner.steps import headers
from tests.support.nginx import running_nginx
from tests.support.pages import PRODUCTION_URL, page_paths

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def nginx(production, tmp_path_factory):
    with running_nginx(production.output, tmp_path_factory.mktemp("nginx")) as server:
        yield server


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer


def fetch(server, url, **request_headers):
    """Status, headers and body of one request to `server`, redirects not followed."""
    opener = urllib.request.build_opener(
        _NoRedirects, urllib.request.HTTPSHandler(context=server.ssl_context)
    )
    request = urllib.request.Request(url, headers=request_headers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("path", ["/", "/back-massage-therapy/", "/search/?q=x", "/no-such-page"])
def test_plain_http_only_redirects_to_the_same_address_over_https(nginx, path):
    status, response_headers, body = fetch(nginx, nginx.http + path)
    assert status == 301
    assert response_headers["Location"] == nginx.https + path
    # HSTS means nothing over plain HTTP; no page is sent there either.
    assert "Strict-Transport-Security" not in response_headers
    assert b"<main" not in body


def test_https_sends_hsts_for_two_years_and_every_subdomain(nginx):
    status, response_headers, _ = fetch(nginx, nginx.https + "/")
    assert status == 200
    assert response_headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_a_folder_without_its_slash_is_redirected_by_path_alone(nginx):
    status, response_headers, _ = fetch(nginx, nginx.https + "/search?q=kneading")
    assert status == 301
    assert response_headers["Location"] == "/search/?q=kneading"


def test_security_txt_is_served_as_utf8_text(nginx, production):
    status, response_headers, body = fetch(nginx, nginx.https + "/.well-known/security.txt")
    assert status == 200
    assert response_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body == (production.output / ".well-known" / "security.txt").read_bytes()


@pytest.mark.parametrize(
    "path", ["/search/", "/pagefind/pagefind.js", "/pagefind/pagefind-worker.js"]
)
def test_the_search_page_and_pagefind_get_the_search_policy(nginx, stylesheet, path):
    status, response_headers, _ = fetch(nginx, nginx.https + path)
    assert status == 200
    for name, value in headers.security_headers(stylesheet, search=True).items():
        assert response_headers[name] == value, (path, name)


ARTICLE_PATHS = ["/", "/back-massage-therapy/", "/massage-therapy-for-the-upper-back/"]


@pytest.mark.parametrize("path", ARTICLE_PATHS)
def test_pages_are_served_as_utf8_html(nginx, production, path):
    status, response_headers, body = fetch(nginx, nginx.https + path)
    assert status == 200
    assert response_headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (production.output / path.lstrip("/") / "index.html").read_bytes()


def test_unknown_path_gets_our_404_page(nginx, production):
    status, response_headers, body = fetch(nginx, nginx.https + "/no-such-page/")
    assert status == 404
    assert body == (production.output / "404.html").read_bytes()
    assert "Content-Security-Policy" in response_headers


@pytest.mark.parametrize(
    "encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_precompressed_twins_are_served(nginx, production, encoding, decompress):
    status, response_headers, body = fetch(
        nginx, nginx.https + "/back-massage-therapy/", **{"Accept-Encoding": encoding}
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
        status, response_headers, _ = fetch(nginx, nginx.https + path)
        assert status == 200, path
        for name, value in headers.security_headers(stylesheet).items():
            assert response_headers[name] == value, (path, name)
        assert response_headers["Cache-Control"] == cache_control, path
    assert fetch(nginx, nginx.https + "/_headers")[0] == 404


def test_no_csp_violation_in_chromium(chromium, nginx, production):
    paths = page_paths(production.output)
    problems = []
    # The pages name https://example.org; our nginx answers those requests.
    context = routed_context(chromium, PRODUCTION_URL, nginx.https, ignore_https_errors=True)
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
        if page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "none":
            problems.append(f"{path}: the inline stylesheet was blocked")
    for path, page in tabs.items():
        page.wait_for_load_state("networkidle")
        problems += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    context.close()
    assert problems == []


def test_search_from_the_home_page_through_nginx(chromium, nginx):
    problems = []
    context = routed_context(chromium, PRODUCTION_URL, nginx.https, ignore_https_errors=True)
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
