"""The built site: both articles, their text, the theme's structure and its links."""

import pytest

from sitekit.links.publish import check_links
from tests.support.build import run_build
from tests.support.pages import (
    ARTICLES,
    parse_html,
    read_article_source,
    running_scripts,
    scripts_allowed,
)


def test_build_reports_success_and_no_problems(site):
    assert site.stderr == ""
    assert site.stdout.startswith("Built ")


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_article_page_has_title_and_heading(site, source):
    metadata, _ = read_article_source(source)
    page = parse_html(site.output / metadata["Slug"] / "index.html")
    assert page.title.get_text() == f"{metadata['Title']} · Back Massage Notes"
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [metadata["Title"]]


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_every_paragraph_is_rendered_verbatim(site, source):
    metadata, paragraphs = read_article_source(source)
    page = parse_html(site.output / metadata["Slug"] / "index.html")
    rendered = {" ".join(p.get_text().split()) for p in page.article.find_all("p")}
    missing = [p[:60] for p in paragraphs if p not in rendered]
    assert len(paragraphs) >= 8
    assert missing == []


def test_home_page_lists_every_article_with_date_and_summary(site):
    home = parse_html(site.output / "index.html")
    entries = {a.find("a")["href"]: a for a in home.main.find_all("article")}
    for source in ARTICLES:
        metadata, _ = read_article_source(source)
        entry = entries[f"/{metadata['Slug']}/"]
        assert entry.find(["h2", "h3"]).get_text(strip=True) == metadata["Title"]
        assert entry.time["datetime"].startswith(metadata["Date"])
        assert metadata["Summary"] in entry.get_text()


def test_every_page_is_semantic_html5_without_javascript(site, html_pages):
    for path in html_pages:
        page = parse_html(path)
        assert page.html["lang"] == "en", path
        assert page.find("meta", attrs={"name": "viewport"}), path
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find(landmark), f"{path}: no <{landmark}>"
        assert len(page.find_all("h1")) == 1, f"{path}: not exactly one h1"
        assert len(running_scripts(page)) == scripts_allowed(site.output, path), path
        assert not page.find_all(attrs={"onclick": True}), path


def test_listings_and_articles_date_their_articles(html_pages):
    for path in html_pages:
        page = parse_html(path)
        for article in page.find_all("article"):
            assert article.find("time", datetime=True), f"{path}: an article without <time>"


def test_every_internal_link_resolves(site):
    assert check_links(site.output, "") == []


def test_no_page_types_that_make_no_sense_here(site):
    for unwanted in ("author", "authors", "drafts", "pages"):
        assert not (site.output / unwanted).exists(), unwanted


def article_pages(site):
    return {
        read_article_source(source)[0]["Slug"]: parse_html(
            site.output / read_article_source(source)[0]["Slug"] / "index.html"
        )
        for source in ARTICLES
    }


def test_article_pages_carry_notice_breadcrumb_neighbours_and_related(site, settings):
    notice = settings["HEALTH_NOTICE"]
    pages = article_pages(site)
    for slug, page in pages.items():
        others = {f"/{other}/" for other in pages if other != slug}
        assert notice in " ".join(page.find(role="note").get_text().split())
        crumbs = page.find("nav", attrs={"aria-label": "Breadcrumb"}).find_all("a")
        assert [a["href"] for a in crumbs] == ["/", "/category/back-massage/", f"/{slug}/"]
        assert crumbs[-1]["aria-current"] == "page"
        pager = page.find("nav", attrs={"aria-label": "Older and newer articles"})
        assert {a["href"] for a in pager.find_all("a")} == others
        # The only other article is the neighbour linked just above: no related articles.
        assert page.find("section", attrs={"aria-labelledby": "related-heading"}) is None
        footer_links = {a["href"] for a in page.article.footer.find_all("a")}
        assert "/category/back-massage/" in footer_links
        assert any(href.startswith("/tag/") for href in footer_links)


def test_listings_show_title_date_summary_and_reading_time(site):
    listings = [
        "index.html",
        "archives/index.html",
        "category/back-massage/index.html",
        "tag/chronic-pain/index.html",
    ]
    for listing in listings:
        entries = parse_html(site.output / listing).main.find_all("article")
        assert len(entries) == len(ARTICLES), listing
        for entry in entries:
            byline = entry.find(class_="byline").get_text()
            assert entry.find(["h2", "h3"]).a and entry.time["datetime"]
            assert byline.endswith("min read"), listing
            assert len(entry.find_all("p")[-1].get_text()) > 40, listing


def test_the_home_page_heading_is_not_the_site_name(site, settings):
    home = parse_html(site.output / "index.html")
    assert home.find("h1").get_text() != settings["SITENAME"]
    assert home.find(class_="site-name").get_text() == settings["SITENAME"]


def test_related_articles_leave_out_the_neighbours_linked_above_them(tmp_path):
    from sitekit.devtools.bench import generate_site

    generate_site(tmp_path / "content", 12)
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    shown = 0
    for path in sorted((tmp_path / "output").glob("article-*/index.html")):
        page = parse_html(path)
        pager = page.find("nav", attrs={"aria-label": "Older and newer articles"})
        related = page.find("section", attrs={"aria-labelledby": "related-heading"})
        neighbours = {a["href"] for a in pager.find_all("a")}
        listed = {a["href"] for a in related.find_all("a")} if related else set()
        assert neighbours and not neighbours & listed, path
        shown += len(listed)
    assert shown >= 12  # related articles are still found, just not the neighbours
