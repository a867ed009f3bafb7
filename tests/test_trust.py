"""Pages, authors and reviewers, and sources: what a health site needs to be trusted (issue 16)."""

import json
import shutil
import xml.etree.ElementTree as ET

import pytest

from sitekit.markdown.footnotes import HEADING_ID
from tests.support.build import run_build, snapshot
from tests.support.pages import PRODUCTION_URL, ROOT, parse_html

PAGES = {
    "about": "About this site",
    "medical-disclaimer": "Medical disclaimer",
    "privacy": "Privacy",
}


def json_ld(page):
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


def test_pages_are_built_at_their_slug_and_linked_from_the_footer_in_order(site):
    home = parse_html(site.output / "index.html")
    footer = home.find("footer", class_="site-footer")
    links = [(a["href"], a.get_text()) for a in footer.find_all("a")]
    assert links == [(f"/{slug}/", title) for slug, title in PAGES.items()]
    for slug, title in PAGES.items():
        page = parse_html(site.output / slug / "index.html")
        assert page.find("h1").get_text() == title
        assert page.find("meta", attrs={"name": "description"})["content"]
        # A page is not an article: no health notice box, no article markup, no search body.
        assert (
            page.find("article") is None and page.find(attrs={"data-pagefind-body": True}) is None
        )
        current = page.find("footer").find("a", attrs={"aria-current": "page"})
        assert current["href"] == f"/{slug}/"


def test_pages_are_in_no_listing_or_feed_but_in_the_sitemap(site, production):
    for path in site.output.rglob("*.html"):
        if path.parent.name in PAGES or path.name == "404.html":
            continue
        main = parse_html(path).find("main")
        for slug in PAGES:
            # The health notice links the disclaimer, as a note, not as a listing.
            listed = [
                a
                for a in main.find_all("a", href=f"/{slug}/")
                if not a.find_parent(class_="health-notice")
            ]
            assert not listed, f"{path} lists the page {slug}"
    # The local build has no feeds; production has the two it announces.
    feeds = sorted(
        p.relative_to(production.output).as_posix()
        for p in production.output.rglob("*.xml")
        if p.name != "sitemap.xml"
    )
    assert feeds == ["feeds/all.atom.xml", "feeds/all.rss.xml"]
    for feed in feeds:
        text = (production.output / feed).read_text()
        for slug in PAGES:
            assert f"{PRODUCTION_URL}/{slug}/" not in text, f"{feed} lists the page {slug}"
            assert f"/{slug}/" not in text, f"{feed} links to the page {slug}"
    sitemap = (production.output / "sitemap.xml").read_text()
    for slug in PAGES:
        assert f"<loc>{PRODUCTION_URL}/{slug}/</loc>" in sitemap


def test_the_privacy_page_says_what_the_site_does_not_do(site):
    text = parse_html(site.output / "privacy" / "index.html").find("main").get_text()
    for claim in ("No cookies", "No analytics", "No third parties"):
        assert claim in text


def test_the_health_notice_links_the_disclaimer_which_says_it_in_full(site, settings):
    disclaimer = f"/{settings['HEALTH_DISCLAIMER']}/"
    for slug in ("back-massage-therapy", "massage-therapy-for-the-upper-back"):
        notice = parse_html(site.output / slug / "index.html").find(class_="health-notice")
        assert settings["HEALTH_NOTICE"] in " ".join(notice.get_text().split())
        assert [a["href"] for a in notice.find_all("a")] == [disclaimer]
    text = parse_html(site.output / disclaimer.strip("/") / "index.html").find("main").get_text()
    assert "consult a physician or another qualified health professional" in " ".join(text.split())
    assert "When to see a professional" in text


def test_articles_without_credits_look_as_before(site):
    page = parse_html(site.output / "back-massage-therapy" / "index.html")
    assert page.find(class_="credits") is None
    article, _ = json_ld(page)
    assert article["author"]["@type"] == "Organization"
    assert "reviewedBy" not in article["mainEntityOfPage"]
    assert not (site.output / "author").exists()


def test_a_reviewed_article_shows_its_author_reviewer_and_sources(rich_site):
    for build in rich_site:
        page = parse_html(build.output / "reviewed" / "index.html")
        credits = page.find(class_="credits")
        text = " ".join(credits.get_text().split())
        assert text == (
            "By Author One, Test credential. Reviewed by Reviewer Two on 22 November 2026."
        )
        author_link = credits.find("a", rel="author")
        assert author_link["href"].endswith("/author/author-one/")
        assert credits.find("time")["datetime"] == "2026-11-22"

        article, _ = json_ld(page)
        assert article["author"] == {
            "@type": "Person",
            "name": "Author One",
            "url": author_link["href"],
            "sameAs": "https://author-one.example/",
        }
        assert article["mainEntityOfPage"]["reviewedBy"] == {
            "@type": "Person",
            "name": "Reviewer Two",
        }
        assert article["mainEntityOfPage"]["lastReviewed"] == "2026-11-22"

        sources = page.find("section", class_="footnotes")
        assert sources["aria-labelledby"] == HEADING_ID
        assert sources.find("h2", id=HEADING_ID).get_text() == "Sources"
        backs = sources.find_all("a", class_="footnote-backref")
        assert [a["aria-label"] for a in backs] == [
            "Back to the text of note 1",
            "Back to the text of note 2",
        ]
        for back in backs:  # each back-link leads to its reference in the text
            assert page.find(id=back["href"].removeprefix("#")).name == "sup"


def test_the_author_page_lists_their_articles_and_describes_them(rich_site):
    local, production = rich_site
    page = parse_html(local.output / "author" / "author-one" / "index.html")
    assert page.find("h1").get_text() == "Author One"
    assert "A person described for the tests only." in page.find("main").get_text()
    assert page.find("main").find("a", href="/reviewed/")
    (profile,) = json_ld(page)
    assert profile["@type"] == "ProfilePage"
    assert profile["mainEntity"]["name"] == "Author One"
    sitemap = ET.parse(production.output / "sitemap.xml").getroot()
    assert f"{PRODUCTION_URL}/author/author-one/" in {u[0].text for u in sitemap}


def write_site(folder, article_fields, authors=None):
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (articles / "one.md").write_text(
        "Title: One\nDate: 2026-11-20\nCategory: C\nSummary: S.\n" + article_fields + "\nText.\n",
        "utf-8",
    )
    if authors is not None:
        (folder / "content" / "authors.toml").write_text(authors, "utf-8")
    return folder / "content"


AUTHORS = '[[people]]\nname = "Author One"\nbio = "For the tests only."\n'


@pytest.mark.parametrize(
    ("fields", "authors", "where", "what"),
    [
        (
            "Author: Autor One\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "'Author: Autor One' is not described in ",
        ),
        (
            "Reviewed-By: Someone\nLast-Reviewed: 2026-11-21\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "It describes: Author One.",
        ),
        (
            "Reviewed-By: Author One\nLast-Reviewed: 2026-11-01\n",
            AUTHORS,
            "content/articles/one.md:6: ",
            "'Last-Reviewed: 2026-11-01' is earlier than 'Date: 2026-11-20'.",
        ),
        (
            "Reviewed-By: Author One\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "'Reviewed-By: Author One' needs the date of that review",
        ),
        (
            "Author: Author One\n",
            '[[people]]\nname = "Author One"\nbio = \n',
            "content/authors.toml:3: ",
            "this is not valid TOML",
        ),
        (
            "Last-Reviewed: 2026-11-21\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "says when the article was reviewed but not by whom",
        ),
        (
            "",
            '[[people]]\nname = "Author One"\n',
            "content/authors.toml:1: ",
            "this person has no bio. Add it.",
        ),
        (
            "Author: Author One\n",
            AUTHORS + 'url = " javascript:alert(document.cookie)"\n',
            "content/authors.toml:1: ",
            "the url of Author One must start with https://.",
        ),
        (
            "Reviewed-By: Author One\nLast-Reviewed: 2026-11-25\nReview-By: 2026-11-24\n",
            AUTHORS,
            "content/articles/one.md:7: ",
            "'Review-By: 2026-11-24' is earlier than 'Last-Reviewed: 2026-11-25'",
        ),
        (
            "Review-By: 2026-11-19\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "'Review-By: 2026-11-19' is earlier than 'Date: 2026-11-20'",
        ),
        (
            "Review-By: next spring\n",
            AUTHORS,
            "content/articles/one.md:5: ",
            "'Review-By: next spring' is not a valid date",
        ),
    ],
    ids=[
        "unknown author",
        "unknown reviewer",
        "review before date",
        "no review date",
        "bad file",
        "no reviewer",
        "no bio",
        "script as a url",
        "next review before the last",
        "next review before the date",
        "next review no date",
    ],
)
def test_credit_mistakes_fail_with_one_line_and_keep_the_output(
    tmp_path, fields, authors, where, what
):
    good = write_site(tmp_path, "", AUTHORS)
    output = tmp_path / "output"
    assert run_build("--content", good, output=output).code == 0
    before = snapshot(output)
    write_site(tmp_path, fields, authors)
    run = run_build("--content", good, output=output)
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, run.stderr
    assert where in errors[0] and what in errors[0].split(where, 1)[1], errors[0]
    assert "Traceback" not in run.stderr
    assert snapshot(output) == before


def test_a_page_without_summary_and_an_unknown_footer_page_are_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    page = content / "pages" / "privacy.md"
    page.write_text(page.read_text().replace("Summary: ", "Abstract: ", 1))
    (content / "pages" / "about.md").unlink()
    output = tmp_path / "output"
    run = run_build("--content", content, output=output)
    assert run.code == 1 and not output.exists()
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, run.stderr
    assert errors[1] == (
        "error: FOOTER_PAGES in the settings: names the page 'about', but no published page in "
        "content/pages has that Slug. Pages: medical-disclaimer, privacy."
    )
    assert errors[0].endswith(
        "content/pages/privacy.md: the 'Summary:' field is missing. "
        "Add a line 'Summary: ...' to the fields at the top, before the first empty line."
    )
