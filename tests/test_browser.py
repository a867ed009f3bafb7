"""Every page, loaded in Debian's Chromium as a reader would: accessible, self-contained, no layout trouble."""

import pytest

from sitekit import browser

pytestmark = pytest.mark.browser

# axe's WCAG 2.0-2.2 A and AA rules, its best practices, and the 7:1 contrast rule.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"color-contrast-enhanced": {"enabled": True}},
    "resultTypes": ["violations"],
}

# The sum of layout-shift scores so far, as the browser reports them.
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.fixture(scope="session")
def served(site):
    with browser.serving(site.output) as url:
        yield url


@pytest.fixture(scope="session")
def page_paths(html_pages, site):
    return ["/" + p.relative_to(site.output).as_posix().removesuffix("index.html") for p in html_pages]


def load_and_watch(page, url, origin):
    """Load `url`; return what went wrong on the way (console errors, failed or foreign requests)."""
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: r.url.startswith(origin) or problems.append(f"other origin: {r.url}"))
    response = page.goto(url, wait_until="load")
    if response.status != 200:
        problems.append(f"status {response.status}")
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_is_accessible_and_clean(chromium, served, page_paths, width, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures = []
    context = chromium.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    for path in page_paths:
        page = context.new_page()
        problems = load_and_watch(page, served + path, served)
        results = axe.run(page, options=AXE_OPTIONS)
        problems += [f"axe {v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]]
        if page.evaluate("document.scrollingElement.scrollWidth > innerWidth"):
            problems.append("scrolls horizontally")
        if (cls := page.evaluate(CLS_SCRIPT)) != 0:
            problems.append(f"layout shift {cls}")
        failures += [f"{path}: {p}" for p in problems]
        page.close()
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
    article = next(p for p in page_paths if p.count("/") == 2 and p not in ("/tags/", "/archives/", "/categories/"))
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
    focused = page.evaluate("[document.activeElement.getAttribute('href'), document.activeElement.textContent]")
    assert focused == ["#main", "Skip to content"]
    box = page.locator("a.skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()
