"""Every page, loaded in Debian's Chromium as a reader would: accessible, self-contained, no layout trouble."""

import pytest

from tests.support.browser import SCROLLS_SIDEWAYS, audit
from tests.support.pages import page_paths

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")


@pytest.fixture(scope="session")
def audits(chromium, served, site):
    """Every page at each width (one load) and in each colour scheme (axe without a reload)."""
    found = {(width, scheme): [] for width in WIDTHS for scheme in SCHEMES}
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for path in page_paths(site.output):
            for scheme, problems in audit(page, served + path, served, SCHEMES).items():
                found[width, scheme] += [f"{path}: {p}" for p in problems]
        context.close()
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_accessible_and_clean(audits, width, scheme):
    assert audits[width, scheme] == []


# Elements that reach past the viewport's right edge, but inside a box that scrolls by design
# (a wide table or code line) or one that clips them (a visually hidden label); a page that
# hides its own overflow (body or html) hides nothing from this.
WIDER_THAN_THE_VIEWPORT = """() => [...document.body.querySelectorAll('*')].filter(e => {
  const box = e.getBoundingClientRect();
  if (box.width === 0 || box.right <= innerWidth + 0.5) return false;
  for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== 'visible') return false;
  }
  return true;
}).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


def test_nothing_is_wider_than_the_screen_at_320px_which_is_400_percent_zoom(
    chromium, served, site
):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []
    for path in page_paths(site.output):
        page.goto(served + path)
        if page.evaluate(SCROLLS_SIDEWAYS):
            too_wide.append(path)
        too_wide += [f"{path}: {name}" for name in page.evaluate(WIDER_THAN_THE_VIEWPORT)]
    context.close()
    assert too_wide == []


def test_print_hides_navigation_and_shows_link_addresses(chromium, served):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(served + "/back-massage-therapy/")
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


def test_print_from_a_dark_scheme_browser_uses_the_light_colours(chromium, served):
    """Paper is white: the muted byline and the notice box keep their light-scheme colours."""
    colours = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(served + "/back-massage-therapy/")
        page.emulate_media(media="print")
        colours[scheme] = page.evaluate(
            """() => [getComputedStyle(document.querySelector('.byline')).color,
                      getComputedStyle(document.querySelector('.notice')).backgroundColor]"""
        )
        context.close()
    assert colours["dark"] == colours["light"]


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
