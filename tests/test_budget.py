"""Every page arrives in one round trip: HTML plus render-blocking CSS within the first TCP flight."""

import gzip

from tests.support.pages import parse_html, running_scripts, scripts_allowed

FIRST_FLIGHT = 14_600  # bytes: 10 TCP segments of 1,460 bytes


def render_blocking_css(page, site_root):
    sheets = page.find_all("link", rel="stylesheet")
    return [site_root / link["href"].lstrip("/") for link in sheets if link.get("media") != "print"]


def test_every_page_fits_in_the_first_flight(site, html_pages):
    over = {}
    for path in html_pages:
        page = parse_html(path)
        parts = [path, *render_blocking_css(page, site.output)]
        size = sum(len(gzip.compress(p.read_bytes(), compresslevel=6)) for p in parts)
        if size > FIRST_FLIGHT:
            over[path.relative_to(site.output).as_posix()] = size
    assert over == {}


def test_the_only_scripts_are_json_ld_data_but_on_the_search_page(site, html_pages):
    for path in html_pages:
        scripts = running_scripts(parse_html(path))
        assert len(scripts) == scripts_allowed(site.output, path), path


def test_no_chain_of_render_blocking_requests(site, html_pages):
    # Stylesheets are inlined; nothing in <head> makes the browser wait for another request.
    for path in html_pages:
        head = parse_html(path).head
        assert head.find_all("link", rel="stylesheet") == [], path
        assert head.find_all("link", rel="preload") == [], path
        assert head.find_all("style"), f"{path}: the inline stylesheet is missing"
