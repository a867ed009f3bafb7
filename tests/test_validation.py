"""Bad input: every case fails the build with one clear line that names the file, and touches nothing."""

import pytest

from tests.support.build import leftovers, run_build, snapshot
from tests.support.pages import parse_html


def article(**fields):
    """A valid article, with fields replaced (None drops a field) and an optional body."""
    body = fields.pop("body", "Some text.\n")
    values = {
        "Title": "Bad",
        "Date": "2026-11-20",
        "Category": "Care",
        "Summary": "A summary.",
        **fields,
    }
    header = "".join(
        f"{key}:{' ' if value else ''}{value}\n"
        for key, value in values.items()
        if value is not None
    )
    return (header + "\n" + body).encode("utf-8")


# (case, file contents, the file's line in the message or None, words the message must hold)
CASES = [
    ("missing title", article(Title=None), None, "'Title:' field is missing"),
    ("missing date", article(Date=None), None, "'Date:' field is missing"),
    ("missing category", article(Category=None), None, "'Category:' field is missing"),
    ("missing summary", article(Summary=None), None, "'Summary:' field is missing"),
    ("empty title", article(Title=""), 1, "'Title:' is empty"),
    ("summary too long", article(Summary="x" * 161), 4, "the Summary is 161 characters long"),
    ("invalid date", article(Date="2026-02-30"), 2, "'Date: 2026-02-30' is not a valid date"),
    ("words for a date", article(Date="next tuesday"), 2, "is not a valid date"),
    (
        "a date written month first",
        article(Date="11/12/2026"),
        2,
        "Write 'Date: 2026-11-12' if you mean 12 November 2026, or 'Date: 2026-12-11' if you mean 11 December 2026.",
    ),
    (
        "a date in words",
        article(Date="November 22, 2026"),
        2,
        "is not written as YYYY-MM-DD, optionally followed by a time such as 09:30. Write 'Date: 2026-11-22' if you mean 22 November 2026.",
    ),
    (
        "modified before published",
        article(Modified="2026-11-01"),
        5,
        "'Modified: 2026-11-01' is earlier than 'Date: 2026-11-20'",
    ),
    (
        "a modified date that is no date",
        article(Modified="soon"),
        5,
        "'Modified: soon' is not a valid date",
    ),
    ("not utf-8", "Title: Caf\u00e9\n".encode("latin-1") + article()[11:], 1, "is not UTF-8 text"),
    ("empty file", b"", None, "the file is empty"),
    ("only white space", b"\n  \n", None, "the file is empty"),
    ("no body text", article(body=""), None, "the article has no text"),
    (
        "link to a missing article",
        article(body="See [this]({filename}gone.md).\n"),
        6,
        "{filename}gone.md points to a file that does not exist",
    ),
    (
        "link to a missing image",
        article(body="![x]({static}/images/none.png)\n"),
        6,
        "{static}/images/none.png points to a file that does not exist",
    ),
    (
        "raw script",
        article(body="Hi.\n\n<script>alert(1)</script>\n"),
        8,
        "<script> is not allowed",
    ),
    (
        "raw iframe",
        article(body='<iframe src="https://example.org"></iframe>\n'),
        6,
        "<iframe> is not allowed",
    ),
    (
        "event handler",
        article(body='Text <span onclick="x()">here</span>.\n'),
        6,
        "<span onclick=…> is not allowed in an article",
    ),
    ("typo Titel", article(Titel="Bad"), 5, "unknown field 'Titel:'. Did you mean 'Title:'?"),
    ("typo Sumary", article(Sumary="x"), 5, "unknown field 'Sumary:'. Did you mean 'Summary:'?"),
    ("typo Tag", article(Tag="a, b"), 5, "unknown field 'Tag:'. Did you mean 'Tags:'?"),
    (
        "placeholder left in",
        article(Summary="TODO: write it"),
        4,
        "still holds the TODO placeholder",
    ),
    ("a status Pelican does not know", article(Status="weird"), None, "Unknown status 'weird'"),
    # Editor's notes (sitekit.markdown.editor_notes): the text starts on line 6.
    (
        "an editor's note with no text",
        article(body='Text.\n\n!!! editor-note "2026-12-03"\n\nMore text.\n'),
        8,
        "this editor's note has no text",
    ),
    (
        "a block of an unknown type",
        article(body='!!! warning "Careful"\n    Mind the neck.\n'),
        6,
        "'!!! warning' is not a block this site knows",
    ),
    (
        "an editor's note with no date",
        article(body="!!! editor-note\n    A note.\n"),
        6,
        "this editor's note has no date",
    ),
    (
        "an editor's note with a date written day first",
        article(body='!!! editor-note "3/12/2026"\n    A note.\n'),
        6,
        "the date '3/12/2026' of this editor's note is not a date written as YYYY-MM-DD",
    ),
]


def build_with(site, files, should_fail=True):
    for name, data in files.items():
        (site / "content" / "articles" / name).write_bytes(data)
    before = snapshot(site / "output")
    run = run_build("--content", site / "content", output=site / "output")
    if should_fail:
        assert snapshot(site / "output") == before, "the previous output was changed"
    assert "Traceback" not in run.stderr + run.stdout
    assert leftovers(site) == []
    return run


@pytest.mark.parametrize("case, data, line, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_clearly_and_keeps_the_output(good_site, case, data, line, words):
    run = build_with(good_site, {"bad.md": data})
    assert run.code == 1
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    assert len(errors) == 1, run.stderr
    (error,) = errors
    assert "bad.md" in error
    if line is not None:
        assert f"bad.md:{line}: " in error
    assert words in error
    assert run.stderr.splitlines()[-1].endswith("output/ was left as it was.")


def test_two_articles_with_the_same_slug(good_site):
    run = build_with(good_site, {"twin.md": article(Title="Twin", Slug="good")})
    assert run.code == 1
    assert "this file and " in run.stderr and "good.md" in run.stderr and "twin.md" in run.stderr
    assert "would be written to the same place, good/index.html" in run.stderr


def test_code_that_shows_a_script_is_fine(good_site):
    body = "Write `<script>` like this:\n\n    <script>alert(1)</script>\n"
    run = build_with(good_site, {"code.md": article(Title="Code", body=body)}, should_fail=False)
    assert run.code == 0, run.stderr


def test_every_bad_file_is_reported_in_one_run(good_site):
    run = build_with(
        good_site,
        {
            "one.md": article(Title=None),
            "two.md": article(Title="Two", Date="2026-13-01"),
            "three.md": b"",
        },
    )
    assert run.code == 1
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    assert [e.split(": ", 2)[1].rsplit("/", 1)[-1].split(":")[0] for e in errors] == [
        "one.md",
        "three.md",
        "two.md",
    ]
    assert "Build failed with 3 problem(s)" in run.stderr


SCRIPT = article(Title="Sneaky", body="Hi.\n\n<script>alert(1)</script>\n")


@pytest.mark.parametrize("suffix", [".markdown", ".mkd", ".mdown"])
def test_every_markdown_extension_is_checked_like_md(good_site, suffix):
    run = build_with(good_site, {f"sneaky{suffix}": SCRIPT})
    assert run.code == 1
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    assert len(errors) == 1 and f"sneaky{suffix}:8: <script> is not allowed" in errors[0], (
        run.stderr
    )


def test_a_good_article_with_another_markdown_extension_is_published(good_site):
    run = build_with(
        good_site, {"other.markdown": article(Title="Other", Slug="other")}, should_fail=False
    )
    assert run.code == 0, run.stderr
    assert (good_site / "output" / "other" / "index.html").is_file()


@pytest.mark.parametrize(
    "where, words",
    [
        ("new-article.md", "is not inside"),
        ("drafts/new-article.mkd", "is not inside"),
        ("articles/notes.rst", "'.rst' files are not read as articles"),
        ("articles/page.html", "'.html' files are not read as articles"),
    ],
)
def test_a_file_that_would_never_be_published_is_reported(good_site, where, words):
    target = good_site / "content" / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(article(Title="Stray"))
    before = snapshot(good_site / "output")
    run = run_build("--content", good_site / "content", output=good_site / "output")
    assert run.code == 1
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    assert len(errors) == 1 and where in errors[0] and words in errors[0], run.stderr
    assert snapshot(good_site / "output") == before


def test_hidden_files_and_editor_backups_are_not_reported(good_site):
    for name in (".good.md.swp", ".#good.md", "good.md~"):
        (good_site / "content" / "articles" / name).write_bytes(b"scratch")
    run = build_with(good_site, {}, should_fail=False)
    assert run.code == 0, run.stderr


def test_an_article_without_tags_has_no_tag_line(good_site):
    run = build_with(
        good_site, {"untagged.md": article(Title="Untagged", Slug="untagged")}, should_fail=False
    )
    assert run.code == 0, run.stderr
    footer = parse_html(good_site / "output" / "untagged" / "index.html").article.footer
    filed = footer.find_all("p")[-1]  # after the review dates
    assert " ".join(filed.get_text().split()) == "Filed under Care."


# (what the article holds, the end of the one error line)
MISSPELT = [
    (
        {"body": "![A back]({static}/images/back-masage.jpg)\n"},
        "the image {static}/images/back-masage.jpg points to a file that does not exist. "
        "Did you mean {static}/images/back-massage.jpg?",
    ),
    (
        {"body": "![A back]({static}/images/Back-Massage.JPG)\n"},
        "Did you mean {static}/images/back-massage.jpg?",
    ),
    (
        {"body": "![A back]({static}/imgs/back-massage.jpg)\n"},
        "Did you mean {static}/images/back-massage.jpg?",
    ),
    (  # read from the article's folder, content/articles/: the file is one folder up
        {"body": "![A back]({static}images/back-massage.jpg)\n"},
        "Did you mean {static}/images/back-massage.jpg?",
    ),
    (
        {"body": "![A back]({static}../images/back-masage.jpg)\n"},
        "Did you mean {static}../images/back-massage.jpg?",
    ),
    (
        {"body": "See [the good one]({filename}god.md#steps).\n"},
        "the link {filename}god.md#steps points to a file that does not exist. "
        "Did you mean {filename}good.md#steps?",
    ),
    (
        {"body": "![A back]({static}/images/nothing-like-it.jpg)\n"},
        "Check the file name: a path that starts with / is read from content/, so this one "
        "names content/images/nothing-like-it.jpg.",
    ),
    (
        {"body": "See [it]({filename}nothing-like-it.md).\n"},
        "Check the file name: a path without / in front is read from this article's folder, "
        "so this one names content/articles/nothing-like-it.md; start it with / to read it "
        "from content/.",
    ),
    (
        {"Image": "images/back-masage.jpg"},
        "'Image: images/back-masage.jpg' names a file that does not exist. "
        "Did you mean 'Image: images/back-massage.jpg'?",
    ),
    (
        {"Image": "{static}/images/bak-massage.jpg"},
        "Did you mean 'Image: {static}/images/back-massage.jpg'?",
    ),
]


@pytest.mark.parametrize("fields, words", MISSPELT, ids=[w[-40:] for _, w in MISSPELT])
def test_a_misspelt_file_name_gets_the_name_that_exists(good_site, fields, words):
    from PIL import Image

    (good_site / "content" / "images").mkdir()
    Image.new("RGB", (40, 30), (180, 120, 90)).save(
        good_site / "content" / "images" / "back-massage.jpg"
    )
    run = build_with(good_site, {"bad.md": article(Title="Misspelt", **fields)})
    assert run.code == 1
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    # The message names folders as the build names files: here below the test's folder.
    words = words.replace(" content/", f" {good_site}/content/")
    assert len(errors) == 1 and errors[0].endswith(words), run.stderr
