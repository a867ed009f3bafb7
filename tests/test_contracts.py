"""Contracts between the Python and the theme (issue 25): each marker, attribute or token
both rely on is defined once, in the feature that owns it, and these tests fail when the
two drift apart.

- hosting.sitemap.NOINDEX_META: written by base.html and 404.html (the ``noindex_meta``
  global); the sitemap leaves out the pages that carry its bytes.
- search.publish.BODY_MARKER: written by article.html (the ``search_body_marker`` global);
  Pagefind indexes what it marks, and ``indexed_text`` reads the same element.
- images.imaging.CARD_COLOURS: tokens of the stylesheet's light scheme (its :root), which
  social cards are drawn in; images.imaging.SIZES: the column the stylesheet lays out.
- markdown.footnotes.SECTION_CLASS and markdown.scroll_boxes.BOX_CLASS: classes Python
  writes into articles and the stylesheet styles.
- search.publish.BUNDLE, SCRIPT, SHARDS, DELTA and DELTA_INFO: what theme/static/search.js loads.

They read the session's local build (the `site` fixture) and the theme's files.
"""

import json
import re

import pytest
from jinja2 import Environment
from PIL import ImageColor

from sitekit.hosting import sitemap
from sitekit.images import imaging
from sitekit.markdown import footnotes, scroll_boxes
from sitekit.search import publish as search
from tests.support.pages import ROOT, parse_html

THEME = ROOT / "theme"
TEMPLATES = sorted((THEME / "templates").rglob("*.html"))
SITE_CSS = (THEME / "css" / "site.css").read_text("utf-8")


def template_markup(path) -> str:
    """What a template writes as it stands: its text outside Jinja tags and comments."""
    return "".join(
        value for _, kind, value in Environment().lex(path.read_text("utf-8")) if kind == "data"
    )


def uses_global(path, name: str) -> bool:
    return re.search(r"\{\{-?\s*" + name + r"\s*-?\}\}", path.read_text("utf-8")) is not None


# The robots noindex <meta>: hosting.sitemap.NOINDEX_META.


def says_noindex(page) -> bool:
    meta = page.find("meta", attrs={"name": "robots"})
    return meta is not None and "noindex" in meta["content"].replace(" ", "").split(",")


def test_the_sitemap_leaves_out_exactly_the_pages_that_ask_not_to_be_indexed(site, html_pages):
    asking = {p for p in html_pages if says_noindex(parse_html(p))}
    assert site.output / "404.html" in asking
    for page in html_pages:
        assert sitemap.indexable(page) == (page not in asking), page
    written = {p.relative_to(site.output).as_posix(): None for p in html_pages}
    listed = sitemap.sitemap(site.output, "https://example.org", written)
    assert "/404.html" not in listed and "<loc>https://example.org/</loc>" in listed


def test_templates_write_the_noindex_meta_only_as_its_global():
    # The draft branch of base.html is not in the site's build: its text is checked here.
    for template in TEMPLATES:
        literal = re.search(r"<meta\b[^>]*\bname=\W?robots", template_markup(template))
        assert literal is None, f"{template.name} writes a robots <meta> of its own"
    for name in ("base.html", "404.html"):
        assert uses_global(THEME / "templates" / name, "noindex_meta"), name


# What Pagefind indexes: search.publish.BODY_MARKER.


def test_pagefind_and_indexed_text_read_the_element_the_template_marks(site, html_pages):
    marked, articles = [], []
    for page in html_pages:
        soup = parse_html(page)
        element = soup.find(attrs={search.BODY_MARKER: True})
        assert bool(search.indexed_text(page.read_bytes())) == (element is not None), page
        if element is not None:
            marked.append(page)
        if soup.find("meta", property="og:type")["content"] == "article":
            articles.append(page)
    assert marked == articles and len(articles) >= 2
    # Pagefind indexes a whole page when no page is marked: it read the marked ones only.
    index = site.output / search.BUNDLE
    assert json.loads((index / search.SHARDS).read_text("utf-8")) == []
    entry = json.loads((index / "pagefind-entry.json").read_text("utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(marked)


def test_templates_write_the_search_marker_only_as_its_global():
    for template in TEMPLATES:
        assert search.BODY_MARKER not in template_markup(template), template.name
    assert uses_global(THEME / "templates" / "article.html", "search_body_marker")


# The stylesheet's tokens and classes.


def test_each_card_colour_is_a_colour_of_the_light_scheme(stylesheet):
    for css in (SITE_CSS, stylesheet):  # as written, and minified as the build reads it
        colours = imaging.theme_colours(css)
        for name, _ in imaging.CARD_COLOURS:
            assert name in colours, f"{name} is not in the :root of theme/css/site.css"
            ImageColor.getrgb(colours[name])  # draw_card's reading of it
        assert imaging.card_palette(css) == tuple(colours[n] for n, _ in imaging.CARD_COLOURS)


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        # Light first, then a dark :root inside @media: the light one.
        (":root{--a:#fff}@media (prefers-color-scheme:dark){:root{--a:#000}}", {"--a": "#fff"}),
        # An at-rule before :root (the old reading stopped at the first @media).
        ("@media print{body{color:red}}:root{--a:#fff}", {"--a": "#fff"}),
        # A rule of another selector, a comment and a string are not :root's.
        (
            '.x{--b:red}/* :root{--a:red} @media */:root , html{--a:var(--c);--c:"}";--d:#fff}',
            {"--a": '"}"', "--c": '"}"', "--d": "#fff"},
        ),
        # Two :root rules (palette, then meanings) and an at-rule without a block.
        ('@import "x.css";:root{--c:#123}:root{--a:var(--c)}', {"--c": "#123", "--a": "#123"}),
        ("body{color:red}", {}),
    ],
)
def test_theme_colours_reads_the_top_level_root_rules(css, expected):
    assert imaging.theme_colours(css) == expected


def test_image_sizes_describe_the_stylesheets_column():
    tokens = imaging.theme_colours(SITE_CSS)
    measure, space = (
        float(tokens[name].removesuffix("rem")) for name in ("--measure", "--space-s")
    )
    gutters = 2 * space  # the body's padding, each side
    column = f"(min-width: {measure + gutters:g}rem) {measure:g}rem, calc(100vw - {gutters:g}rem)"
    assert column == imaging.SIZES


def test_every_size_and_space_of_the_stylesheet_is_a_custom_property_of_its_scales():
    """Lengths are written once, in the :root rules; the rest of the stylesheet names them.
    Media queries cannot read custom properties, and a visually hidden element is 1px."""
    rules = re.sub(r"/\*.*?\*/", "", SITE_CSS, flags=re.S)
    rules = re.sub(r":root\s*\{[^}]*\}", "", rules)
    rules = re.sub(r"\.visually-hidden\s*\{[^}]*\}", "", rules)
    stray = [
        declaration.strip()
        for declaration in re.findall(r"[^;{}]*\d(?:rem|em|px|pt|vw|vh|ch)\b[^;{}]*", rules)
        if not declaration.strip().startswith("@media")
    ]
    assert stray == []


@pytest.mark.parametrize("name", [footnotes.SECTION_CLASS, scroll_boxes.BOX_CLASS])
def test_classes_python_writes_are_styled(name):
    assert re.search(r"\." + re.escape(name) + r"(?![\w-])[^{};]*\{", SITE_CSS), name


# The search page's script.


def test_the_search_script_loads_the_index_where_python_puts_it():
    script = (THEME / "static" / "search.js").read_text("utf-8")
    assert f"../{search.BUNDLE}/" in script
    for name in (search.SCRIPT, search.SHARDS, search.DELTA_INFO):
        assert re.search(r"bundle\([^)]*" + re.escape(name) + r"[\"`]\)", script), name
    # The delta index of a local rebuild, in its folder below the whole one.
    assert f'ask("{search.DELTA}/", query)' in script
