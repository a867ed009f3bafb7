"""The link checker finds what is broken, so a green link test means something."""

from tests.support.build import run_build
from tests.support.linkcheck import Site, check_links

ARTICLE = """Title: Links
Date: 2026-11-20
Category: Test
Summary: A page with links.

[Home](/), [this page](#top-of-page), [a missing page](/no-such-page/),
[a missing anchor](#nowhere) and [another site](https://example.com/x).
"""


def test_checker_reports_a_deliberately_broken_site(tmp_path):
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    (content / "links.md").write_text(ARTICLE.replace("#top-of-page", "#main"), "utf-8")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr

    broken = check_links(run.output)

    assert {(b.source, b.url) for b in broken} == {
        ("links/index.html", "/no-such-page/"),
        ("links/index.html", "#nowhere"),
    }


def test_prefixed_site_address_is_enforced(tmp_path):
    (tmp_path / "post").mkdir()
    (tmp_path / "post" / "index.html").write_text('<p id="x">x</p>', "utf-8")
    site = Site(tmp_path, "https://example.org/blog")
    page = "https://example.org/blog/post/"
    assert site.problem(page, "/blog/post/#x") is None
    assert site.problem(page, "https://example.org/blog/post/") is None
    assert site.problem(page, "/post/") == "outside the site's address https://example.org/blog/"
    assert site.problem(page, "../missing/") == "no such file in the output"
    assert site.problem(page, "mailto:someone@example.org") is None


def test_xml_links_are_checked(tmp_path):
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/gone/</loc></url></urlset>",
        "utf-8",
    )
    broken = check_links(tmp_path, "https://example.org")
    assert [str(b) for b in broken] == [
        "sitemap.xml: https://example.org/gone/ (no such file in the output)"
    ]
