"""The reader's first screen, in Debian's Chromium: on a 375 by 667 phone an article's text starts
on the first screen, under a compact header, breadcrumb, title, byline and health notice."""

import itertools
import shutil

import pytest

from sitekit.devtools import browser
from tests.support.build import run_build
from tests.support.pages import ARTICLES, ROOT, read_article_source

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 800}
SCHEMES = ("light", "dark")

# A title and headings long enough to wrap on a phone, with a table of contents.
GUIDE = """Title: A Long Guide To Every Kind Of Back Massage Technique And What Each One Is Meant To Do
Date: 2026-11-01
Category: Back Massage
Tags: technique
Slug: guide
Summary: A guide with a table of contents.

The first paragraph of the guide.

## The first part, whose heading is long enough to wrap onto a second line on a phone

Text.

## Second part

Text.

### A sub part

Text.

## Third part

Text.
"""


@pytest.fixture(scope="module")
def screen_site(tmp_path_factory):
    """The real content plus a long guide with a table of contents, served on loopback."""
    root = tmp_path_factory.mktemp("screen")
    shutil.copytree(ROOT / "content", root / "content")
    (root / "content" / "articles" / "guide.md").write_text(GUIDE, "utf-8")
    run = run_build("--content", root / "content", output=root / "output")
    assert run.code == 0, run.stderr
    with browser.serving(root / "output") as url:
        yield url


@pytest.fixture
def page_at(chromium):
    contexts = []

    def open_page(viewport, scheme="light", **options):
        context = chromium.new_context(viewport=viewport, color_scheme=scheme, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


SEED_SLUGS = [read_article_source(source)[0]["Slug"] for source in ARTICLES]

# The first paragraph of the author's text: the first <p> of the article that is not the
# byline, the credits or a notice.
FIRST_PARAGRAPH = "article > p:not([class]):not([hidden])"


@pytest.mark.parametrize("slug", SEED_SLUGS)
def test_a_phone_shows_the_article_text_on_its_first_screen(screen_site, page_at, slug):
    page = page_at(PHONE)
    page.goto(f"{screen_site}/{slug}/")
    shown = ("nav[aria-label=Breadcrumb]", "main > article h1", "main > article .byline")
    for selector in (*shown, ".health-notice"):
        assert page.locator(selector).is_visible(), selector
    top = page.locator(FIRST_PARAGRAPH).first.bounding_box()["y"]
    assert top < 600, f"the first paragraph starts at {top:.0f} px"
    # The notice is compact: two lines of its text at most.
    lines = page.evaluate(
        """() => { const n = document.querySelector('.health-notice'), s = getComputedStyle(n);
        const inner = n.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
        return Math.round(inner / parseFloat(s.lineHeight)); }"""
    )
    assert lines <= 2


def header_rows(page) -> int:
    """How many rows the header's name, links and search field take (centres 8 px apart or more)."""
    centres = page.evaluate(
        """() => [...document.querySelectorAll('.site-header :is(a, input, button)')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width > 1)
        .map(r => r.top + r.height / 2).sort((a, b) => a - b)"""
    )
    rows = 1
    for above, below in itertools.pairwise(centres):
        rows += below - above >= 8
    return rows


def test_the_header_takes_two_rows_on_a_phone_and_one_on_a_wide_screen(screen_site, page_at):
    for viewport, most in ((PHONE, 2), (WIDE, 1)):
        page = page_at(viewport)
        for path in ("/", "/guide/", "/search/"):
            page.goto(screen_site + path)
            assert header_rows(page) <= most, (viewport, path)
    # Its search field is named for screen readers by a label nobody sees.
    page = page_at(PHONE)
    page.goto(f"{screen_site}/")
    field = page.locator("header").get_by_role("searchbox", name="Search")
    assert field.is_visible()
    label = page.locator("label[for=site-search]").bounding_box()
    assert label["width"] <= 1 and label["height"] <= 1
    assert page.locator("header").get_by_role("button", name="Search").is_visible()


def test_the_search_page_shows_one_search_form(screen_site, page_at):
    page = page_at(PHONE)
    page.goto(f"{screen_site}/search/")
    assert page.get_by_role("search").count() == 1
    assert page.locator("main").get_by_role("search").is_visible()


# Each separator is drawn before its crumb's link: it starts the crumb's first line box, so a
# separator alone on a line would leave the crumb's first box above its link's.
LONE_SEPARATORS = """() => [...document.querySelectorAll('.breadcrumb li + li')].filter(li => {
  const crumb = li.getClientRects()[0], link = li.querySelector('a').getClientRects()[0];
  return link.top - crumb.top > parseFloat(getComputedStyle(li).lineHeight) / 2;
}).length"""


@pytest.mark.parametrize("width", [320, 375, 414, 1280])
def test_the_breadcrumb_never_leaves_a_separator_alone(screen_site, page_at, width):
    page = page_at({"width": width, "height": 700})
    for slug in [*SEED_SLUGS, "guide"]:
        page.goto(f"{screen_site}/{slug}/")
        assert page.evaluate(LONE_SEPARATORS) == 0, slug
    # The guide's crumbs do wrap at phone widths: the check above saw a wrapped breadcrumb.
    if width <= 414:
        assert page.locator(".breadcrumb ol").bounding_box()["height"] > 30


def test_the_contents_are_closed_on_a_phone_and_open_on_a_wide_screen(screen_site, page_at):
    entries = "nav[aria-label='Table of contents'] li a"
    for viewport, shown in ((PHONE, False), (WIDE, True)):
        page = page_at(viewport, java_script_enabled=False)
        page.goto(f"{screen_site}/guide/")
        assert page.locator(entries).first.is_visible() is shown, viewport
    # On a phone a tap opens them; a wrapped entry flows as text, so its bullet stays on
    # its first line (a link laid out as one box would put the bullet on its last).
    page = page_at(PHONE)
    page.goto(f"{screen_site}/guide/")
    page.get_by_text("Contents", exact=True).click()
    assert page.locator(entries).first.is_visible()
    boxes = page.locator(entries).first.evaluate("a => a.getClientRects().length")
    assert boxes > 1


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        values = [int(v) / 255 for v in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_highlights_stand_out_in_both_schemes(screen_site, page_at, scheme):
    page = page_at(PHONE, scheme)
    page.goto(f"{screen_site}/search/?q=massage")
    page.locator("#search-results mark").first.wait_for(timeout=5000)
    colours = page.evaluate(
        """() => { const m = getComputedStyle(document.querySelector('#search-results mark'));
        return [m.color, m.backgroundColor, getComputedStyle(document.body).backgroundColor]; }"""
    )
    text, mark, background = colours
    assert contrast(mark, background) >= 3, colours
    assert contrast(text, mark) >= 4.5, colours


def test_search_excerpts_leave_out_the_title_and_mark_their_cuts(screen_site, page_at):
    page = page_at(WIDE)
    page.goto(f"{screen_site}/search/?q=circulation")
    page.locator("#search-results li").first.wait_for(timeout=5000)
    results = page.evaluate(
        """() => [...document.querySelectorAll('#search-results li')].map(li =>
        [li.querySelector('h2').textContent, li.querySelector('p').textContent])"""
    )
    assert results
    for title, excerpt in results:
        assert not excerpt.startswith(title), excerpt
        assert excerpt.startswith("… ") or excerpt.endswith(" …"), excerpt
