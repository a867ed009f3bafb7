"""Links are checked by the build itself: a broken one fails it, with the file and line it is written on."""

import pickle
import shutil

import pytest

from sitekit.links.publish import Site, check_links, read_html
from tests.support.build import run_build, snapshot

GOOD = "Title: Target\nDate: 2026-11-20\nCategory: Test\nSlug: target\nSummary: S.\n\n## A section\n\nText.\n"
DRAFT = "Title: Draft\nDate: 2026-11-20\nCategory: Test\nSlug: draft\nSummary: S.\nStatus: draft\n\nText.\n"
LATER = "Title: Later\nDate: 2099-01-01\nCategory: Test\nSlug: later\nSummary: S.\n\nText.\n"
LINKS = """Title: Links
Date: 2026-11-20
Category: Test
Summary: A page with links.

Fine: [home](/), [a section]({filename}target.md#a-section), [this page](#main),
[another site](https://example.com/x) and [mail](mailto:someone@example.org).

{broken}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three articles and one with links, built once for local and production."""
    root = tmp_path_factory.mktemp("links")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    for name, text in (("target.md", GOOD), ("draft.md", DRAFT), ("later.md", LATER)):
        (articles / name).write_text(text, "utf-8")
    (articles / "links.md").write_text(LINKS.replace("{broken}", "No broken link."), "utf-8")
    for production in (False, True):
        run = run_build(
            "--content", root / "content", output=root / f"out-{production}", production=production
        )
        assert run.code == 0, run.stderr
    return root


@pytest.fixture
def site(built, tmp_path):
    """A copy of the built site for one test to break."""
    shutil.copytree(built, tmp_path / "site")
    return tmp_path / "site"


BROKEN = [
    (
        "[gone](/no-such-page/)",
        "the link '/no-such-page/' leads nowhere: nothing is published at /no-such-page/.",
    ),
    (
        "[gone](../no-such-page/)",
        "the link '../no-such-page/' leads nowhere: nothing is published at /no-such-page/.",
    ),
    (
        "[gone]({filename}target.md#nowhere)",
        "the link '{url}target/#nowhere' leads to {path}target/, which has no section with id 'nowhere'.",
    ),
    (
        "[a photo](images/a.png)",
        "the link 'images/a.png' leads nowhere: nothing is published at {path}links/images/a.png.",
    ),
    (
        "[gone](#nowhere)",
        "the link '#nowhere' leads to {path}links/, which has no section with id 'nowhere'.",
    ),
]


@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
@pytest.mark.parametrize("markdown, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_link_fails_the_build_naming_file_and_line(site, markdown, message, production):
    (site / "content" / "articles" / "links.md").write_text(
        LINKS.replace("{broken}", markdown), "utf-8"
    )
    output = site / f"out-{production}"
    before = snapshot(output)
    run = run_build("--content", site / "content", output=output, production=production)
    assert run.code == 1
    url = "https://example.org/" if production else "/"
    expected = message.format(url=url, path="/")
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {site}/content/articles/links.md:9: {expected} Correct the address, or remove the link."
    ]
    assert snapshot(output) == before


@pytest.mark.parametrize(
    "target, what", [("draft", "a draft"), ("later", "an article scheduled for 2099-01-01")]
)
def test_a_link_to_an_unpublished_article_fails_only_production(site, target, what):
    (site / "content" / "articles" / "links.md").write_text(
        LINKS.replace("{broken}", f"[soon]({{filename}}{target}.md)"), "utf-8"
    )
    assert run_build("--content", site / "content", output=site / "out-False").code == 0
    run = run_build("--content", site / "content", output=site / "out-True", production=True)
    assert run.code == 1
    assert (
        f"links.md:9: the link 'https://example.org/drafts/{target}/' leads to {what} "
        f"({site}/content/articles/{target}.md), which is not published yet." in run.stderr
    )


def test_a_broken_link_in_the_theme_is_told_once(tmp_path):
    (tmp_path / "index.html").write_text('<a href="/gone/">x</a>', "utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text('<a href="/gone/">x</a><p id="x">', "utf-8")
    problems = [str(p) for p in check_links(tmp_path, "")]
    assert problems == [
        f"{tmp_path.name}/index.html: the link '/gone/' and 1 other pages leads nowhere: "
        "nothing is published at /gone/. It comes from the theme or the settings: correct it there."
    ]


def test_text_that_only_looks_like_a_link_is_not_one():
    page = read_html(
        '<p>Write <code>&lt;a href="/x/"&gt;</code>.</p><a href="/y/?a=1&amp;b=2" id="top">y</a>'
    )
    assert page.links == ("/y/?a=1&b=2",)
    assert page.ids == {"top"}


def test_words_inside_an_attribute_value_are_no_link():
    """A title, a description or alt text may say 'src=x': it is text, not an attribute."""
    page = read_html(
        '<meta name="description" content="Why src=x breaks">'
        "<span title='see href=/gone/ here' id=\"s\"></span>"
        '<img alt="a > b src=y" src="/real.png" id=img>'
        '<a title="a > b" href="/z/">z</a>'
    )
    assert page.links == ("/real.png", "/z/")
    assert page.ids == {"s", "img"}


def test_comments_and_the_text_of_scripts_and_styles_hold_no_links():
    page = read_html(
        '<!-- <a href="/in-a-comment/"> --><!--><!--->'
        '<script type="application/ld+json">{"x": "<a href=\'/in-json/\'>"}</script>'
        '<style>a[href="/in-css/"]{}</style>'
        '<a href="/after/">after</a>'
    )
    assert page.links == ("/after/",)


def test_a_title_with_src_in_it_builds(tmp_path):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "a.md").write_text(
        "Title: Why src=x breaks\nDate: 2026-11-20\nCategory: Care\n"
        "Summary: About href=y and src=x.\n\nSome text.\n",
        "utf-8",
    )
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr


def test_links_and_ids_are_those_a_parser_reads(site):
    """On every page of a build: the same links and ids as Python's html.parser."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.links, self.ids = [], set()

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src"):
                    self.links.append(value or "")
                elif name == "srcset":
                    self.links += [c.split()[0] for c in (value or "").split(",") if c.strip()]
                elif name == "id":
                    self.ids.add(value or "")

    pages = sorted((site / "out-True").rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        text = path.read_text("utf-8")
        parser = Reader()
        parser.feed(text)
        parser.close()
        page = read_html(text)
        assert (list(page.links), page.ids) == (parser.links, parser.ids), path


def test_pages_share_one_string_for_each_link():
    """Pages mostly repeat the same links: the pages held in memory and pickled for the
    next check keep one string for each."""
    links = "".join(f'<a href="/tag/topic-{n:02d}/" id="t{n}">t</a>' for n in range(40))
    first, second = read_html(f"<p>{links}</p>"), read_html(f"<div>{links}</div>")
    assert first.links == second.links
    assert all(a is b for a, b in zip(first.links, second.links, strict=True))
    cached = pickle.dumps({"1": first, "2": second})
    assert len(cached) < len(pickle.dumps(first)) + 200


def test_prefixed_site_address_is_enforced(tmp_path):
    (tmp_path / "post").mkdir()
    (tmp_path / "post" / "index.html").write_text('<p id="x">x</p>', "utf-8")
    site = Site(tmp_path, "https://example.org/blog")
    assert site.problem("post/index.html", "/blog/post/#x") is None
    assert site.problem("post/index.html", "https://example.org/blog/post/") is None
    assert (
        site.problem("post/index.html", "/post/")[0]
        == "is outside the site's address https://example.org/blog/"
    )
    assert (
        site.problem("post/index.html", "../missing/")[0]
        == "leads nowhere: nothing is published at /blog/missing/"
    )
    assert site.problem("post/index.html", "mailto:someone@example.org") is None


def test_xml_links_are_checked(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/gone/</loc></url></urlset>",
        "utf-8",
    )
    assert [str(p) for p in check_links(tmp_path, "https://example.org")] == [
        f"{tmp_path.name}/sitemap.xml: the link 'https://example.org/gone/' leads nowhere: "
        "nothing is published at /gone/. It comes from the theme or the settings: correct it there."
    ]


def test_a_page_with_bytes_read_before_is_not_read_again(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache" / "links.pickle"
    site.mkdir()
    page = site / "index.html"
    page.write_text('<a href="/gone/">x</a>', "utf-8")
    assert len(check_links(site, "", digests={"index.html": "one"}, cache=cache)) == 1
    # The same digest: what the last check read stands, whatever the file says now.
    page.write_text('<a href="/">home</a>', "utf-8")
    assert len(check_links(site, "", digests={"index.html": "one"}, cache=cache)) == 1
    # New bytes, a new digest: the page is read again.
    assert check_links(site, "", digests={"index.html": "two"}, cache=cache) == []
