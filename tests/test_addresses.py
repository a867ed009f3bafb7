"""Every address pattern Pelican supports ({date:%Y}, {category}, {lang}, {author}...) builds,
in the checks, the link check, the page reuse and the search; an article in another
language keeps its pretty address; and every problem, Pelican's own warnings too, names
its file, unescaped."""

from __future__ import annotations

import re
import shutil

import pytest

from sitekit.search.publish import entries
from tests.support.build import differences, snapshot
from tests.support.differential import add_field, append, make_site, set_field
from tests.support.pages import parse_html

DATED = (
    'ARTICLE_URL = "blog/{date:%Y}/{date:%m}/{date:%d}/{slug}/"\n'
    'ARTICLE_SAVE_AS = "blog/{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"'
)
THERAPY = "blog/2026/11/20/back-massage-therapy/"
UPPER_BACK = "blog/2026/11/20/massage-therapy-for-the-upper-back/"


def problems(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("error: ")]


def dated_site(tmp_path, production):
    site = make_site(tmp_path / "site", production)
    append(site.settings, DATED)
    # A link from one article to the other, which the link check follows.
    append(
        site.article(),
        "Read [the upper back]({filename}massage-therapy-for-the-upper-back.md) next.",
    )
    return site


@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
def test_a_dated_blog_pattern_builds_links_searches_and_rebuilds_as_a_cold_build(
    tmp_path, production
):
    site = dated_site(tmp_path, production)
    output = site.root / "output"
    first = site.build(output)
    assert first.code == 0, first.stderr
    for address in (THERAPY, UPPER_BACK):
        assert (output / address / "index.html").is_file()
    assert not (output / "back-massage-therapy").exists()
    links = [a["href"] for a in parse_html(output / THERAPY / "index.html").select("main a")]
    assert any(href.endswith("/" + UPPER_BACK) for href in links), links
    indexed = entries(output / "pagefind")
    assert {THERAPY + "index.html", UPPER_BACK + "index.html"} <= set(indexed)

    # An edit, then the same sources built cold: the same bytes.
    set_field(site.article(), "Date", "2026-12-01")
    incremental = site.build(output)
    assert incremental.code == 0, incremental.stderr
    assert (output / "blog/2026/12/01/back-massage-therapy/index.html").is_file()
    assert not (output / THERAPY).exists()
    assert "blog/2026/12/01/back-massage-therapy/index.html" in entries(output / "pagefind")
    cold = site.build(tmp_path / "cold" / "output")
    assert cold.code == 0, cold.stderr
    assert differences(snapshot(cold.output), snapshot(output)) == []


@pytest.mark.parametrize(
    ("pattern", "fields", "address"),
    [
        ("{category}/{slug}/", "", "back-massage/back-massage-therapy/"),
        ("{lang}/{slug}/", "", "en/back-massage-therapy/"),
        ("{author}/{slug}/", "Author: Ada Example", "ada-example/back-massage-therapy/"),
        ("{date:%Y}/{category}/{slug}.html", "", "2026/back-massage/back-massage-therapy.html"),
    ],
    ids=["category", "lang", "author", "date and category"],
)
def test_each_placeholder_pelican_offers_builds(tmp_path, pattern, fields, address):
    site = make_site(tmp_path / "site", production=False)
    save_as = pattern + ("index.html" if pattern.endswith("/") else "")
    append(site.settings, f"ARTICLE_URL = {pattern!r}\nARTICLE_SAVE_AS = {save_as!r}")
    if fields:
        for article in site.articles.glob("*.md"):
            add_field(article, fields)
    run = site.build(site.root / "output")
    assert run.code == 0, run.stderr
    written = site.root / "output" / address
    assert (written / "index.html" if address.endswith("/") else written).is_file()


def test_two_articles_at_the_same_dated_address_are_refused_in_one_line(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    append(site.settings, DATED)
    set_field(site.article(), "Date", "2026-11-20 08:00")
    other = site.article("massage-therapy-for-the-upper-back")
    set_field(other, "Date", "2026-11-20 17:30")
    set_field(other, "Slug", "back-massage-therapy")
    output = site.root / "output"
    run = site.build(output)
    assert run.code == 1
    (line,) = problems(run)
    assert "back-massage-therapy.md" in line and "massage-therapy-for-the-upper-back.md" in line
    assert f"{THERAPY}index.html" in line
    assert not output.exists()


def test_a_placeholder_with_no_field_is_one_line_naming_the_setting(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    append(site.settings, 'ARTICLE_URL = "{series}/{slug}/"\nARTICLE_SAVE_AS = ARTICLE_URL')
    run = site.build(site.root / "output")
    assert run.code == 1
    assert len(problems(run)) == 2, run.stderr
    assert all(
        ".md: ARTICLE_SAVE_AS in the settings names {series}, but this article has no" in line
        for line in problems(run)
    )


ZH = """\
Title: 搜索依赖症
Date: 2026-11-19
Category: Back Massage
Lang: zh
Summary: 一篇中文文章。

中文正文。
"""


def test_an_article_in_another_language_keeps_its_address_and_says_its_language(tmp_path):
    site = make_site(tmp_path / "site", production=True)
    (site.articles / "zh.md").write_text(ZH, "utf-8")
    (site.content / "pages" / "guanyu.md").write_text(
        "Title: 关于\nSlug: guanyu\nLang: zh\nSummary: 关于本站。\n\n本站。\n", "utf-8"
    )
    output = site.root / "output"
    run = site.build(output)
    assert run.code == 0, run.stderr
    assert parse_html(output / "guanyu" / "index.html").html["lang"] == "zh"
    page = output / "sou-suo-yi-lai-zheng" / "index.html"
    assert page.is_file()
    assert not list(output.glob("*-zh.html"))
    assert parse_html(page).html["lang"] == "zh"
    assert parse_html(output / "back-massage-therapy" / "index.html").html["lang"] == "en"
    # The parts in the site's language say so, and the article's own text does not.
    html = parse_html(page)
    english = [
        html.select_one(".skip-link"),
        html.select_one(".site-header"),
        html.select_one(".site-footer"),
        html.select_one(".breadcrumb"),
        html.select_one(".byline"),
        html.select_one('[role="note"]'),
        html.select_one("article footer"),
    ]
    assert [element.get("lang") for element in english] == ["en"] * len(english)
    assert html.select_one(".breadcrumb [aria-current]")["lang"] == "zh"
    assert "lang" not in html.h1.attrs
    assert not [p for p in html.select(".e-content p, article > p:not(.notice)") if p.get("lang")]
    assert parse_html(output / "guanyu" / "index.html").select_one(".site-header")["lang"] == "en"
    own = parse_html(output / "back-massage-therapy" / "index.html")
    assert [e.name for e in own.select("body [lang]")] == []
    atom = (output / "feeds" / "all.atom.xml").read_text("utf-8")
    assert '<feed xml:lang="en"' in atom
    entries_lang = re.findall(r"<entry([^>]*)>.*?<link href=\"([^\"]+)\"", atom, re.S)
    assert any(
        link.endswith("/back-massage-therapy/") and attributes == ""
        for attributes, link in entries_lang
    ), entries_lang
    assert any(
        link.endswith("/sou-suo-yi-lai-zheng/") and attributes == ' xml:lang="zh"'
        for attributes, link in entries_lang
    ), entries_lang
    assert "sou-suo-yi-lai-zheng/index.html" in entries(output / "pagefind")


def test_pelicans_warning_names_each_file(tmp_path):
    # A tag with no letter or digit is now refused by the sources check, with its line
    # (tests/test_real_content.py); an unknown {indicator} in a link is still Pelican's
    # to warn about, with the same words for each file.
    site = make_site(tmp_path / "site", production=False)
    append(site.article(), "See [this]({nonsense}x).")
    append(site.article("massage-therapy-for-the-upper-back"), "See [this]({nonsense}x).")
    run = site.build(site.root / "output")
    assert run.code == 1
    # Pelican shows a message once a build: named by file, each is shown.
    assert len(problems(run)) == 2, run.stderr
    for line, stem in zip(
        problems(run), ("back-massage-therapy", "massage-therapy-for"), strict=True
    ):
        assert re.fullmatch(
            rf"error: \S*content/articles/{stem}\S*\.md: "
            r"Replacement Indicator 'nonsense' not recognized in '\{nonsense\}x', "
            r"skipping replacement",
            line,
        ), line


def test_pelicans_warning_about_two_articles_is_not_named_by_a_third(tmp_path):
    """Pelican's generator still holds the last article it read when it warns about two
    with one slug (at different dated addresses): the warning names both, and no other."""
    site = make_site(tmp_path / "site", production=False)
    append(site.settings, DATED)
    other = site.article("massage-therapy-for-the-upper-back")
    set_field(other, "Date", "2026-11-21")
    set_field(other, "Slug", "back-massage-therapy")
    (site.articles / "third.md").write_text(
        "Title: Third\nDate: 2026-11-19\nCategory: C\nSummary: S.\n\nText.\n", "utf-8"
    )
    run = site.build(site.root / "output")
    assert run.code == 1
    lines = problems(run)
    assert lines and all(line.startswith("error: There are 2 ") for line in lines), lines
    assert all("back-massage-therapy.md" in line and "upper-back.md" in line for line in lines)


def test_a_shortcode_in_a_link_names_the_file_and_shows_the_text_unescaped(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    article = site.article("massage-therapy-for-the-upper-back")
    append(article, 'See [the other one]({{< relref "back-massage-therapy.md" >}}).')
    run = site.build(site.root / "output")
    assert run.code == 1
    assert problems(run), run.stderr
    for line in problems(run):
        assert "content/articles/massage-therapy-for-the-upper-back.md" in line, line
        assert not re.search(r"&(lt|gt|quot|amp|#\d+);", line), line
    assert any("`{{< relref … >}}` is a Hugo shortcode" in line for line in problems(run))


def test_a_rebuild_after_moving_to_a_dated_pattern_leaves_no_old_page(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    output = site.root / "output"
    assert site.build(output).code == 0
    append(site.settings, DATED)
    run = site.build(output)
    assert run.code == 0, run.stderr
    assert not (output / "back-massage-therapy").exists()
    cold = site.build(tmp_path / "cold" / "output")
    assert differences(snapshot(cold.output), snapshot(output)) == []
    shutil.rmtree(tmp_path / "cold")


FIELDS = [
    {"title": "Neck Tension", "date": "2026-03-05 09:30", "category": "Back Massage"},
    {"title": "Schulter", "date": "2025-12-31", "category": "Technik", "lang": "de"},
    {"title": "Ösophagus & Co", "date": "2024-01-02", "category": "A B", "author": "Ada Example"},
    {"title": "Drafted", "date": "2026-01-01", "category": "X", "status": "draft", "slug": "d"},
    {"title": "Shared", "date": "2026-01-01", "category": "X", "authors": "Bo Li, Ada Example"},
    {"title": "Offset", "date": "2026-03-05T23:30+05:00", "category": "X"},
    {"title": "Zone", "date": "2026-01-01", "category": "X", "timezone": "America/New_York"},
]
PATTERNS = [
    "{slug}/index.html",
    "blog/{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html",
    "{category}/{date:%Y-%m-%d}-{slug}.html",
    "{lang}/{author}/{slug}.html",
    "{path}.html",
    "{title}/{date:%B %-d}/index.html",
    "{date:%Y-%m-%d%Z}/{date:%F}/{slug}.html",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_check_works_out_each_address_as_pelicans_content_does(tmp_path, pattern):
    from pelican.contents import Article
    from pelican.readers import BaseReader
    from pelican.settings import DEFAULT_CONFIG, configure_settings

    from sitekit.core import addresses

    settings = configure_settings(
        {
            **DEFAULT_CONFIG,
            "PATH": str(tmp_path),
            "TIMEZONE": "Europe/Berlin",
            "ARTICLE_SAVE_AS": pattern,
            "DRAFT_SAVE_AS": "drafts/" + pattern,
        }
    )
    addresses.follow_site_language(settings, set())
    reader = BaseReader(settings)
    for fields in FIELDS:
        metadata = {name: reader.process_metadata(name, value) for name, value in fields.items()}
        source = tmp_path / "articles" / f"{fields['title'][:4]}.md"
        pelican = Article("", metadata, settings, str(source))
        ours = addresses.address(fields, f"articles/{source.name}", settings)
        assert ours == pelican.save_as, fields


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"USE_FOLDER_AS_CATEGORY": False, "DEFAULT_CATEGORY": "Allgemein"},
        {"FILENAME_METADATA": r"(?P<slug>[^.]*)"},
        {"EXTRA_PATH_METADATA": {"pages/about-us.md": {"slug": "team", "category": "Us"}}},
    ],
    ids=["folder as category", "default category", "slug from the file name", "by path"],
)
def test_the_check_works_out_a_pages_address_from_its_path_as_pelicans_reader_does(
    tmp_path, settings
):
    """A field the file does not give, Pelican's reader takes from the settings and the path
    (a page in pages/ is in the category "pages")."""
    from pelican.contents import Page
    from pelican.readers import Readers
    from pelican.settings import DEFAULT_CONFIG, configure_settings

    from sitekit.core import addresses

    settings = configure_settings(
        {
            **DEFAULT_CONFIG,
            "PATH": str(tmp_path),
            "PAGE_SAVE_AS": "{category}/{slug}/index.html",
            **settings,
        }
    )
    (tmp_path / "pages").mkdir()
    source = tmp_path / "pages" / "about-us.md"
    source.write_text("Title: About\nSummary: S.\n\nText.\n", "utf-8")
    pelican = Readers(settings).read_file(str(tmp_path), "pages/about-us.md", Page)
    fields = {"title": "About", "summary": "S."}
    assert addresses.address(fields, "pages/about-us.md", settings, "page") == pelican.save_as


def test_a_modified_date_in_a_pattern_is_a_field_an_article_may_lack(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    append(
        site.settings,
        'ARTICLE_URL = "{modified:%Y}/{slug}/"\nARTICLE_SAVE_AS = "{modified:%Y}/{slug}/index.html"',
    )
    add_field(site.article(), "Modified: 2026-11-22")
    run = site.build(site.root / "output")
    assert run.code == 1
    (line,) = problems(run)
    assert re.fullmatch(
        r"error: \S*massage-therapy-for-the-upper-back\.md: ARTICLE_SAVE_AS in the settings "
        r"names \{modified\}, but this article has no 'Modified:' field\. .*",
        line,
    ), line


def test_a_translation_with_the_same_slug_is_refused_as_the_same_address(tmp_path):
    """Pelican would take it as a translation; at the site's own address pattern the two
    would be one file, so the build asks for a Slug of its own."""
    site = make_site(tmp_path / "site", production=False)
    (site.articles / "zh.md").write_text(
        ZH.replace("Lang: zh", "Lang: zh\nSlug: back-massage-therapy"), "utf-8"
    )
    run = site.build(site.root / "output")
    assert run.code == 1
    (line,) = problems(run)
    assert "back-massage-therapy/index.html. Give each a different Slug." in line, line
    assert "zh.md" in line


def test_translations_at_a_lang_pattern_build_and_are_both_searched(tmp_path):
    site = make_site(tmp_path / "site", production=True)
    append(
        site.settings,
        'ARTICLE_LANG_URL = "{lang}/{slug}/"\nARTICLE_LANG_SAVE_AS = "{lang}/{slug}/index.html"',
    )
    translation = ZH.replace("Lang: zh", "Lang: zh\nSlug: back-massage-therapy")
    (site.articles / "zh.md").write_text(translation, "utf-8")
    output = site.root / "output"
    run = site.build(output)
    assert run.code == 0, run.stderr
    assert parse_html(output / "zh/back-massage-therapy/index.html").html["lang"] == "zh"
    indexed = entries(output / "pagefind")
    assert {"back-massage-therapy/index.html", "zh/back-massage-therapy/index.html"} <= set(indexed)


def test_a_pattern_python_cannot_format_is_one_line_a_source(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    append(site.settings, 'ARTICLE_URL = "{slug:%Y}/"\nARTICLE_SAVE_AS = "{slug:%Y}/index.html"')
    run = site.build(site.root / "output")
    assert run.code == 1
    lines = problems(run)
    assert len(lines) == 2, run.stderr
    assert all(
        ".md: ARTICLE_SAVE_AS in the settings cannot give this article an address (" in line
        for line in lines
    ), lines


def test_an_error_that_stops_pelican_names_the_source_it_was_working_on(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    add_field(site.article(), "Template: fancy")
    run = site.build(site.root / "output")
    assert run.code == 1
    (line,) = problems(run)
    assert re.match(
        r"error: \S*content/articles/back-massage-therapy\.md: the build stopped: ", line
    )
    assert "fancy" in line
