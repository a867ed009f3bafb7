"""Health content that stays trustworthy (issue 30): editor's notes beside the author's verbatim
text, review dates, MedicalWebPage structured data checked against schema.org's vocabulary.
The external link check has its own file, tests/test_external_links.py."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from sitekit.devtools import review as review_tool
from sitekit.markdown import sanitize
from sitekit.people import review
from tests.support import schema_org
from tests.support.build import run_build
from tests.support.pages import ARTICLES, ROOT, parse_html, read_article_source
from tests.support.tools import require_tool

# The author's text as it was taken from the web, word for word (../shared/seeds/ when the
# site was made): every sentence of it must be on the article's page, outside the notes.
AUTHOR_TEXT = ROOT / "tests" / "fixtures" / "author-text"
# What that text holds that is not the author's and is left out, each with the reason:
# lines of their own...
SCRAPED_LINES = {
    "back massage": "the search keyword the page was found with, above the title",
    "Report Page": "a link of the scraped page's own, below the text",
}
# ...and text between two sentences.
SCRAPED_INSERTS = {
    "https://passmassage.com/dangjin/": "link spam: an unrelated commercial address",
}
NOTE_LABEL = "Editor\N{RIGHT SINGLE QUOTATION MARK}s note"
# The four slips, each with its note's words (one sentence of the note says what is right).
SLIPS = {
    "back-massage-therapy": [
        ("located anterior to the neck", "means towards the front of the body"),
        ("(also known as osteoporosis)", "are different conditions"),
        ("utilizes long gliding strokes", "Long gliding strokes are called effleurage"),
    ],
    "massage-therapy-for-the-upper-back": [
        ("Acupressure needles are placed", "Acupressure uses pressure from the fingers"),
    ],
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def author_text_outside_notes(page) -> str:
    article = page.find("article")
    paragraphs = [p for p in article.find_all("p") if not p.find_parent("aside")]
    return " ".join(" ".join(p.get_text().split()) for p in paragraphs)


@pytest.mark.parametrize("slug", sorted(SLIPS))
def test_every_sentence_of_the_author_text_stays_verbatim(site, slug):
    text = (AUTHOR_TEXT / f"{slug}.txt").read_text("utf-8")
    page = parse_html(site.output / slug / "index.html")
    shown = author_text_outside_notes(page)
    title = page.find("h1").get_text()
    checked = 0
    for paragraph in (" ".join(p.split()) for p in text.split("\n\n") if p.strip()):
        if paragraph == title or paragraph in SCRAPED_LINES:
            continue
        for leftover in SCRAPED_INSERTS:
            paragraph = " ".join(paragraph.replace(leftover, " ").split())
        for sentence in _SENTENCE_END.split(paragraph):
            assert sentence in shown, sentence
            checked += 1
    assert checked >= 30
    assert "passmassage" not in page.decode()


@pytest.mark.parametrize("slug", sorted(SLIPS))
def test_each_slip_has_a_dated_labelled_note_right_after_its_paragraph(site, slug):
    page = parse_html(site.output / slug / "index.html")
    notes = page.find("article").find_all("aside")
    assert len(notes) == len(SLIPS[slug])
    for note, (slip, correction) in zip(notes, SLIPS[slug], strict=True):
        assert note["aria-label"] == NOTE_LABEL
        assert note["role"] == "note"  # no landmark: axe wants each landmark named apart
        assert note["class"] == ["editor-note"]
        label = note.find("p", class_="editor-note-label")
        assert label.find("strong").get_text() == NOTE_LABEL
        assert label.find("time")["datetime"] == "2026-12-03"
        assert label.find("time").get_text() == "3 December 2026"
        assert correction in note.get_text()
        before = note.find_previous_sibling("p")
        assert slip in before.get_text()


def test_the_sources_hold_the_notes_as_admonition_blocks():
    # Written as editors know it, and the verbatim test of test_site.py leaves them out.
    for source in ARTICLES:
        text = source.read_text("utf-8")
        assert text.count('!!! editor-note "2026-12-03"\n    ') == len(SLIPS[source.stem])
        _, paragraphs = read_article_source(source)
        assert not any(p.startswith("!!!") for p in paragraphs)


NOTE_WORDS = " ".join(["word"] * 600)


def test_a_note_is_not_counted_in_the_reading_time(tmp_path):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "noted.md").write_text(
        "Title: Noted\nDate: 2026-11-20\nCategory: Care\nSummary: An article with a note.\n\n"
        + "Some text of the author.\n\n"
        + f'!!! editor-note "2026-12-03"\n    {NOTE_WORDS}\n',
        "utf-8",
    )
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    page = parse_html(run.output / "noted" / "index.html")
    assert page.find("p", class_="byline").get_text().endswith("1 min read")
    assert len(page.find("aside").get_text().split()) > 600  # the note is there, all of it


@pytest.mark.parametrize(
    "html",
    [
        '<aside class="editor-note" aria-label="Advertisement"><p>x</p></aside>',
        f'<aside class="editor-note" aria-label="{NOTE_LABEL}" role="navigation"></aside>',
        f'<aside class="ad" aria-label="{NOTE_LABEL}"><p>x</p></aside>',
        f'<aside class="editor-note" aria-label="{NOTE_LABEL}" id="x"><p>x</p></aside>',
        '<p class="lede">x</p>',
        '<time datetime="2026-12-03" class="editor-note">x</time>',
    ],
)
def test_the_allowlist_allows_the_note_markup_and_nothing_beside_it(html):
    note = (
        f'<aside aria-label="{NOTE_LABEL}" class="editor-note" role="note">\n'
        '<p class="editor-note-label">'
        f'<strong>{NOTE_LABEL}</strong> · <time datetime="2026-12-03">3 December 2026</time></p>'
        "\n<p>A note.</p>\n</aside>"
    )
    assert sanitize.clean(note) == note
    assert sanitize.refusals(note) == []
    assert sanitize.refusals(html) != []


# Review dates ---------------------------------------------------------------------------


def write(articles, name, fields, text="Some text."):
    articles.mkdir(parents=True, exist_ok=True)
    (articles / name).write_text(
        f"Title: {name[:-3].title()}\nCategory: Care\nSummary: S.\n{fields}\n{text}\n", "utf-8"
    )


def spoken(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture(scope="module")
def dated_site(tmp_path_factory):
    """Three articles: one dated three years ago and never reviewed, one reviewed 13 months
    ago, one written today."""
    root = tmp_path_factory.mktemp("dated")
    today = review.today()
    old, reviewed = today - relativedelta(years=3), today - relativedelta(months=13)
    articles = root / "content" / "articles"
    write(articles, "old.md", f"Date: {old:%Y-%m-%d}\n")
    write(
        articles,
        "checked.md",
        f"Date: {old:%Y-%m-%d}\nReviewed-By: Reviewer Two\nLast-Reviewed: {reviewed:%Y-%m-%d}\n",
    )
    write(articles, "fresh.md", f"Date: {today:%Y-%m-%d}\nReview-By: {today.year + 2}-01-31\n")
    (root / "content" / "authors.toml").write_text(
        '[[people]]\nname = "Reviewer Two"\nbio = "For the tests only."\n', "utf-8"
    )
    run = run_build("--content", root / "content", output=root / "output")
    assert run.code == 0, run.stderr
    return root, run, old, reviewed, today


def test_the_build_names_the_overdue_articles_in_one_note(dated_site):
    _, run, old, reviewed, _ = dated_site
    notes = [line for line in run.stderr.splitlines() if "review" in line]
    # The longest overdue first.
    assert notes == [
        f"note: due for a new review: {_shown(run, 'old.md')} "
        f"(since {old + relativedelta(months=12):%Y-%m-%d}), {_shown(run, 'checked.md')} "
        f"(since {reviewed + relativedelta(months=12):%Y-%m-%d}). 'invoke review' lists every "
        "article's review dates."
    ]
    assert not [line for line in run.stderr.splitlines() if line.startswith(("error", "warn"))]


def test_the_overdue_note_stays_one_short_line_on_a_large_site():
    overdue = [(f"content/articles/a{n:04d}.md", date(2024, 1, 1 + n % 28)) for n in range(1000)]
    line = review.notice(overdue)
    assert line.count(".md") == review.NAMED_AT_MOST and "and 995 more" in line
    assert line.startswith("content/articles/a0000.md (since 2024-01-01)")


def _shown(run, name):
    return f"{(run.output.parent / 'content' / 'articles' / name).as_posix()}"


def test_an_overdue_article_says_so_under_its_byline(dated_site):
    _, run, old, reviewed, _ = dated_site
    page = parse_html(run.output / "old" / "index.html")
    notice = page.find("article").find("header").find("p", class_="notice")
    assert notice.find_previous_sibling("p", class_="byline")
    assert " ".join(notice.get_text().split()) == (
        f"Published on {spoken(old)} and not reviewed since. This article is due for a review."
    )
    page = parse_html(run.output / "checked" / "index.html")
    notice = page.find("article").find("header").find("p", class_="notice")
    assert " ".join(notice.get_text().split()) == (
        f"Last reviewed on {spoken(reviewed)}. This article is due for a new review."
    )
    page = parse_html(run.output / "fresh" / "index.html")
    assert page.find("article").find("header").find("p", class_="notice") is None


def test_every_article_shows_its_next_review_and_only_a_real_review_as_one(dated_site):
    _, run, old, reviewed, today = dated_site

    def dates(slug):
        line = parse_html(run.output / slug / "index.html").find("p", class_="review-dates")
        return " ".join(line.get_text().split()), [t["datetime"] for t in line.find_all("time")]

    due = old + relativedelta(months=12)
    assert dates("old") == (f"Next review due: {spoken(due)}.", [due.isoformat()])
    due = reviewed + relativedelta(months=12)
    assert dates("checked") == (
        f"Page last reviewed: {spoken(reviewed)}. Next review due: {spoken(due)}.",
        [reviewed.isoformat(), due.isoformat()],
    )
    due = date(today.year + 2, 1, 31)
    assert dates("fresh") == (f"Next review due: {spoken(due)}.", [due.isoformat()])


def test_a_setting_turns_the_notice_off_and_another_sets_the_interval(dated_site, tmp_path):
    root, _, old, _, _ = dated_site
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        'SITEKIT = {**SITEKIT, "review_notice": False, "review_interval_months": 24}\n',
        "utf-8",
    )
    run = run_build(
        "--settings", settings, "--content", root / "content", output=tmp_path / "output"
    )
    assert run.code == 0, run.stderr
    page = parse_html(run.output / "old" / "index.html")
    assert page.find("article").find("header").find("p", class_="notice") is None
    due = old + relativedelta(months=24)  # still overdue: only the notice is off
    assert page.find("p", class_="review-dates").find("time")["datetime"] == due.isoformat()
    assert "due for a new review: " in run.stderr  # the build still names it


def test_invoke_review_lists_every_article_overdue_first(dated_site, capsys, monkeypatch):
    root, _, old, reviewed, today = dated_site
    monkeypatch.chdir(root)
    settings = {"PATH": str(root / "content"), "ARTICLE_PATHS": ["articles"]}
    settings |= {k: v for k, v in _local_settings().items() if k not in settings}
    assert review_tool.main(settings) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["article", "last", "reviewed", "reviewed", "by", "next", "review"]
    assert [line.split()[0] for line in lines[1:4]] == [
        "content/articles/old.md",
        "content/articles/checked.md",
        "content/articles/fresh.md",
    ]
    assert lines[2].split()[1:] == [
        f"{reviewed:%Y-%m-%d}",
        "Reviewer",
        "Two",
        f"{reviewed + relativedelta(months=12):%Y-%m-%d}",
        "OVERDUE",
    ]
    due = old + relativedelta(months=12)
    assert lines[1].split()[1:] == ["never", "-", f"{due:%Y-%m-%d}", "OVERDUE"]
    assert lines[3].split()[1:] == ["never", "-", f"{today.year + 2}-01-31"]
    assert lines[4] == "3 article(s), 2 due for a new review."


def _local_settings():
    from sitekit import runner

    return runner.load_settings(runner.LOCAL_SETTINGS)[0]


def test_invoke_review_lists_both_seed_articles(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert review_tool.main(_local_settings()) == 0
    out = capsys.readouterr().out
    for source in ARTICLES:
        metadata, _ = read_article_source(source)
        published = date.fromisoformat(metadata["Date"][:10])
        (line,) = [line for line in out.splitlines() if source.name in line]
        assert f"{published + relativedelta(months=12):%Y-%m-%d}" in line


def test_the_next_review_comes_from_review_by_else_the_newest_date_plus_the_interval():
    def due(**fields):
        values = {"published": date(2026, 1, 31), "modified": None, "last_reviewed": None}
        values |= {"review_by": None, "reviewer": "", "months": 1, "on": date(2026, 1, 1)}
        return review.schedule(**(values | fields)).next_review

    assert due() == date(2026, 2, 28)  # a month after 31 January
    assert due(modified=date(2026, 3, 5)) == date(2026, 4, 5)
    assert due(modified=date(2026, 3, 5), last_reviewed=date(2026, 6, 1)) == date(2026, 7, 1)
    assert due(last_reviewed=date(2026, 6, 1), review_by=date(2026, 6, 2)) == date(2026, 6, 2)


# Structured data -----------------------------------------------------------------------


def json_ld(page):
    return [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]


def require_vocabulary():
    require_tool(
        schema_org.TYPINGS.is_file(), "npm's schema-dts is not installed (npm ci --ignore-scripts)"
    )


@pytest.mark.parametrize("build", ["site", "production"])
def test_every_json_ld_block_of_both_builds_is_in_schema_orgs_vocabulary(build, request):
    require_vocabulary()
    output = request.getfixturevalue(build).output
    blocks = 0
    for path in sorted(output.rglob("*.html")):
        for block in json_ld(parse_html(path)):
            assert schema_org.problems(block, str(path.relative_to(output))) == []
            blocks += 1
    assert blocks >= 3


def test_the_vocabulary_check_refuses_what_schema_org_lacks():
    require_vocabulary()
    assert schema_org.problems({"@type": "MedicalWebPage", "lastReviewed": "2026-01-01"}) == []
    assert schema_org.problems({"@type": "MedicalWebPage", "nextReview": "2027-01-01"}) == [
        ": MedicalWebPage has no property nextReview"
    ]
    assert schema_org.problems({"@type": "Article", "author": {"@type": "Doctor"}}) == [
        ".author: no schema.org type Doctor"
    ]
    # A WebPage has no medicalAudience: only its medical kind has.
    assert schema_org.problems({"@type": "WebPage", "medicalAudience": {"@type": "Patient"}})


@pytest.mark.parametrize("build", ["site", "production"])
def test_articles_are_medical_web_pages_whose_values_match_the_page(build, request):
    output = request.getfixturevalue(build).output
    for source in ARTICLES:
        metadata, _ = read_article_source(source)
        page = parse_html(output / metadata["Slug"] / "index.html")
        article, _breadcrumbs = json_ld(page)
        web_page = article["mainEntityOfPage"]
        assert web_page["@type"] == "MedicalWebPage"
        assert web_page["medicalAudience"] == {"@type": "Patient"}
        category = page.find("article").find("footer").find("a").get_text()
        assert web_page["about"] == {"@type": "Thing", "name": category}
        assert article["headline"] == page.find("h1").get_text()
        assert "lastReviewed" not in web_page and "reviewedBy" not in web_page  # nobody has


def test_a_reviewed_article_carries_its_review_as_the_page_shows_it(rich_site):
    for build in rich_site:
        page = parse_html(build.output / "reviewed" / "index.html")
        web_page = json_ld(page)[0]["mainEntityOfPage"]
        shown = page.find("p", class_="review-dates").find("time")["datetime"]
        assert web_page["lastReviewed"] == shown == "2026-11-22"
        assert web_page["reviewedBy"]["name"] in page.find("p", class_="credits").get_text()
        assert web_page["@type"] == "MedicalWebPage"
