"""Every page, loaded in Debian's Chromium as a reader would: accessible, self-contained, no layout trouble."""

import pytest
from conftest import audit, page_paths

from sitekit import browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def served(site):
    with browser.serving(site.output) as url:
        yield url


@pytest.fixture(scope="session", name="page_paths")
def site_page_paths(site):
    return page_paths(site.output)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_is_accessible_and_clean(chromium, served, page_paths, width, scheme):
    failures = []
    context = chromium.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    for path in page_paths:
        failures += [f"{path}: {p}" for p in audit(context, served + path, served)]
    context.close()
    assert failures == []


def test_no_horizontal_scroll_at_320px_which_is_400_percent_zoom(chromium, served, page_paths):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []
    for path in page_paths:
        page.goto(served + path)
        if page.evaluate("document.scrollingElement.scrollWidth > innerWidth"):
            too_wide.append(path)
    context.close()
    assert too_wide == []


def test_print_hides_navigation_and_shows_link_addresses(chromium, served, page_paths):
    article = next(
        p
        for p in page_paths
        if p.count("/") == 2 and p not in ("/tags/", "/archives/", "/categories/")
    )
    context = chromium.new_context()
    page = context.new_page()
    page.goto(served + article)
    page.evaluate(
        """() => { const a = document.createElement('a'); a.href = 'https://example.org/x';
        a.textContent = 'a source'; a.id = 'probe'; document.querySelector('article p').append(a); }"""
    )
    page.emulate_media(media="print")
    assert page.locator("nav[aria-label=Site]").is_hidden()
    assert page.locator("nav[aria-label=Breadcrumb]").is_hidden()
    assert page.locator("article h1").is_visible()
    after = page.evaluate("getComputedStyle(document.getElementById('probe'), '::after').content")
    assert "https://example.org/x" in after
    page.emulate_media(media="screen")
    assert page.locator("nav[aria-label=Site]").is_visible()
    context.close()


def test_skip_link_is_first_and_visible_with_a_focus_outline(chromium, served):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(served + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.getAttribute('href'), document.activeElement.textContent]"
    )
    assert focused == ["#main", "Skip to content"]
    box = page.locator("a.skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()
