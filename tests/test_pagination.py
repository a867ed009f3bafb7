"""Listings are paginated: no page grows with the number of articles, and every page is reachable."""

import pytest

from sitekit.devtools import browser
from sitekit.devtools.bench import generate_site
from sitekit.links.publish import check_links
from tests.support.browser import audit
from tests.support.build import run_build
from tests.support.pages import PRODUCTION_URL, parse_html

ARTICLES = 25  # three pages of ten on the home page and in the archives


@pytest.fixture(scope="module")
def paginated(tmp_path_factory):
    root = tmp_path_factory.mktemp("paginated")
    generate_site(root / "content", ARTICLES)
    run = run_build("--content", root / "content", output=root / "output", production=True)
    assert run.code == 0, run.stderr
    return run.output


def follow_older(output, start):
    """Walk a listing's 'Older articles' links from its first page; return the pages seen."""
    seen, path = [], start
    while path is not None:
        page = parse_html(output / path / "index.html")
        seen.append(page)
        older = page.find("a", rel="next", string="Older articles")
        path = older["href"].removeprefix(PRODUCTION_URL + "/") if older else None
    return seen


@pytest.mark.parametrize("listing", ["", "archives/"])
def test_every_article_is_reachable_ten_at_a_time(paginated, listing):
    pages = follow_older(paginated, listing)
    counts = [len(page.main.find_all("article")) for page in pages]
    assert counts == [10, 10, 5]
    titles = {a.get_text() for page in pages for a in page.select("main article h2 a")}
    assert len(titles) == ARTICLES
    assert "Page 3 of 3" in pages[-1].find("nav", attrs={"aria-label": "Pages"}).get_text()
    assert pages[-1].find("a", rel="prev", string="Newer articles")


def test_paginated_pages_have_unique_titles_and_are_in_the_sitemap(paginated):
    titles = [parse_html(p).title.string for p in paginated.rglob("*.html")]
    assert len(titles) == len(set(titles))
    sitemap = (paginated / "sitemap.xml").read_text()
    for path in ("page/2/", "page/3/", "archives/page/3/"):
        assert f"<loc>{PRODUCTION_URL}/{path}</loc>" in sitemap
        assert (paginated / path / "index.html").is_file()


def test_not_found_page_lists_only_the_newest_articles(paginated):
    page = parse_html(paginated / "404.html")
    assert len(page.main.find_all("article")) == 5
    assert page.find("a", href=f"{PRODUCTION_URL}/archives/")


def test_every_link_resolves(paginated):
    assert check_links(paginated, PRODUCTION_URL) == []


@pytest.mark.browser
def test_later_pages_are_accessible(chromium, tmp_path):
    generate_site(tmp_path / "content", ARTICLES)
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    with browser.serving(run.output) as served:
        problems = [
            f"{path} ({scheme}): {p}"
            for path in ("/page/2/", "/page/3/", "/archives/page/3/")
            for scheme, found in audit(page, served + path, served, ("light", "dark")).items()
            for p in found
        ]
    context.close()
    assert problems == []
