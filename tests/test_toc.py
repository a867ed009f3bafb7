"""A table of contents and heading anchors for articles with three or more headings; reading time."""

from tests.support.build import run_build
from tests.support.pages import parse_html

HEADER = "Title: {title}\nDate: 2026-11-20\nCategory: Test\nSummary: S.\n\n"


def test_toc_appears_from_three_headings(tmp_path):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    three = "".join(f"## Part {n}\n\nText {n}.\n\n" for n in (1, 2, 3))
    two = "## Part 1\n\nText.\n\n## Part 2\n\nText.\n"
    (articles / "three.md").write_text(HEADER.format(title="Three") + three, "utf-8")
    (articles / "two.md").write_text(HEADER.format(title="Two") + two, "utf-8")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr

    page = parse_html(run.output / "three" / "index.html")
    toc = page.find("nav", attrs={"aria-label": "Table of contents"})
    assert [a["href"] for a in toc.find_all("a")] == ["#part-1", "#part-2", "#part-3"]
    heading = page.find("h2", id="part-2")
    assert heading.a["href"] == "#part-2" and heading.get_text() == "Part 2"

    page = parse_html(run.output / "two" / "index.html")
    assert page.find("nav", attrs={"aria-label": "Table of contents"}) is None
    assert page.find("h2", id="part-1").a["href"] == "#part-1"


def test_reading_time_counts_the_words_of_the_text(tmp_path):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    # 501 words at 250 a minute: 3 minutes; 250 words: 1.
    (articles / "long.md").write_text(HEADER.format(title="Long") + "word " * 501, "utf-8")
    (articles / "short.md").write_text(
        HEADER.format(title="Short") + "*word* " * 250 + "\n", "utf-8"
    )
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    for slug, minutes in (("long", 3), ("short", 1)):
        byline = parse_html(run.output / slug / "index.html").find("p", class_="byline")
        assert byline.get_text().endswith(f"· {minutes} min read"), byline


def test_the_reader_counts_the_words_as_it_converts(tmp_path):
    from sitekit.markdown.reader import SiteMarkdownReader
    from sitekit.runner.settings import LOCAL_SETTINGS, load_settings

    settings, _ = load_settings(LOCAL_SETTINGS, tmp_path / "output", tmp_path)
    source = tmp_path / "a.md"
    source.write_text(HEADER.format(title="A") + "One *two* three.\n\n## Four five\n", "utf-8")
    assert SiteMarkdownReader(settings).converter.convert(str(source)).words == 5


def test_the_reader_parses_dates_as_it_converts_and_leaves_bad_ones_to_pelican():
    from pelican.utils import SafeDatetime

    from sitekit.markdown.reader import parsed

    meta = {"date": ["2020-01-02_03:04", "2021-01-01"], "modified": ["soon"], "title": ["T"]}
    # As Pelican's own processors make them: the first definition, "_" read as a space.
    assert parsed(meta) == {"date": SafeDatetime(2020, 1, 2, 3, 4)}
    assert type(parsed(meta)["date"]) is SafeDatetime


def test_the_reader_takes_the_dates_the_converting_process_parsed(tmp_path):
    import dataclasses

    from pelican.utils import SafeDatetime

    from sitekit.markdown.reader import SiteMarkdownReader
    from sitekit.runner.settings import LOCAL_SETTINGS, load_settings

    settings, _ = load_settings(LOCAL_SETTINGS, tmp_path / "output", tmp_path)
    source = tmp_path / "a.md"
    source.write_text(HEADER.format(title="A") + "Text.\n", "utf-8")
    reader = SiteMarkdownReader(settings)
    converted = reader.converter.convert(str(source))
    assert reader.metadata(converted)["date"] == SafeDatetime(2026, 11, 20)
    # What the pool sent back is used as it is, not parsed again.
    marker = SafeDatetime(1999, 9, 9)
    assert (
        reader.metadata(dataclasses.replace(converted, parsed={"date": marker}))["date"] is marker
    )
