"""What editors bring from other generators, and what the production policy would block: each
refused in one line naming file and line, or read right (issue 27, items 3 to 5 and 7)."""

from pathlib import Path

import pytest

from sitekit.core.sources import parse
from sitekit.devtools import browser
from sitekit.hosting.headers import content_security_policy
from sitekit.markdown import check, sanitize
from sitekit.runner.known_settings import unknown_settings
from sitekit.runner.settings import LOCAL_SETTINGS
from sitekit.runner.sources import validate
from tests.support.build import run_build, snapshot
from tests.support.pages import parse_html

FIELDS = "Title: Brought Over\nDate: 2026-11-20\nCategory: Care\nSummary: An imported article.\n"


def build_with(site: Path, text: str, name: str = "brought.md"):
    (site / "content" / "articles" / name).write_text(text, "utf-8")
    return run_build("--content", site / "content", output=site / "output")


def shown(site: Path) -> str:
    """The new article's path, as the build names it."""
    return str((site / "content" / "articles" / "brought.md").resolve())


def errors(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("error: ")]


# (case, the text below the fields, the line (of the file) named, words of the message)
REFUSED = [
    (
        "hugo shortcode",
        "Intro.\n\n{{< youtube dQw4w9WgXcQ >}}\n",
        8,
        "`{{< youtube … >}}` is a Hugo shortcode, which this site does not run: write a link "
        "instead, e.g. [title](https://…).",
    ),
    (
        "hugo shortcode with markdown",
        "{{% notice warning %}}\nCareful.\n{{% /notice %}}\n",
        6,
        "`{{% notice … %}}` is a Hugo shortcode",
    ),
    (
        "shortcode inside a link",
        'See [the other one]({{< relref "other.md" >}}).\n',
        6,
        "`{{< relref … >}}` is a Hugo shortcode, which this site does not run: link to the "
        "article with {filename} instead, e.g. [title]({filename}other-article.md).",
    ),
    (
        "liquid image tag",
        "Intro.\n\n{% img /images/back.jpg 300 200 A back %}\n",
        8,
        "`{% img … %}` is a Liquid tag (from Jekyll or Octopress), which this site does not "
        "run: write an image instead, e.g. ![A description]({static}/images/name.jpg).",
    ),
    (
        "liquid notebook tag",
        "{% notebook stretches.ipynb cells[1:5] %}\n",
        6,
        "`{% notebook … %}` is a Liquid tag",
    ),
    (
        "liquid variable",
        "Welcome to {{ site.title }}.\n",
        6,
        "`{{ site.title }}` is a Liquid variable (from Jekyll), which this site does not fill "
        "in: write the text itself (or, to show the braces as they are, put them in backticks).",
    ),
    (
        "aliases field",
        None,
        5,
        "'Aliases:' (old addresses that lead to this article) is Hugo's name for them: "
        "write 'Redirect-From:' instead",
    ),
]


@pytest.mark.parametrize("case, body, line, words", REFUSED, ids=[c[0] for c in REFUSED])
def test_other_generators_syntax_is_refused_in_one_line(good_site, case, body, line, words):
    text = FIELDS + ("\n" + body if body else "Aliases: /2019/05/old-address/\n\nText.\n")
    before = snapshot(good_site / "output")
    run = build_with(good_site, text)
    assert run.code == 1
    assert len(errors(run)) == 1, run.stderr  # one line
    assert errors(run)[0].startswith(f"error: {shown(good_site)}:{line}: "), errors(run)
    assert words in errors(run)[0]
    assert "&lt;" not in run.stderr and "Traceback" not in run.stderr
    assert snapshot(good_site / "output") == before


FRONT_MATTER = {
    "YAML": '---\ntitle: "Brought Over"\ndate: 2024-05-01\ntags: [back, care]\n'
    "draft: false\n---\n\nText.\n",
    "TOML": '+++\ntitle = "Brought Over"\ndate = 2024-05-01\ntags = ["back"]\n+++\n\nText.\n',
}


@pytest.mark.parametrize("language", FRONT_MATTER)
def test_front_matter_is_refused_in_one_line_for_the_file(good_site, language):
    run = build_with(good_site, FRONT_MATTER[language])
    assert run.code == 1
    assert len(errors(run)) == 1, run.stderr  # not four "field missing"
    assert errors(run)[0].startswith(
        f"error: {shown(good_site)}:1: this file starts with {language} front matter"
    )
    assert "write the fields as 'Key: value' lines instead" in errors(run)[0]


def test_a_file_that_only_starts_with_a_rule_is_not_front_matter():
    source = parse(Path("a.md"), "---\n\nText, then a rule.\n\n---\n", "a.md")
    assert source.front_matter is None


CODE = """
Hugo's `{{< youtube id >}}` and Liquid's `{% img path %}` are written like this:

```
{{< youtube dQw4w9WgXcQ >}}
{% img /images/back.jpg %}
{{ page.title }}
```

Or indented:

    {{% notice %}}
    {% notebook a.ipynb %}
"""


def test_the_same_syntax_in_code_is_text_and_builds(good_site):
    run = build_with(good_site, FIELDS + CODE)
    assert run.code == 0, run.stderr
    page = (good_site / "output" / "brought-over" / "index.html").read_text("utf-8")
    assert "{{&lt; youtube dQw4w9WgXcQ &gt;}}" in page
    assert "{% notebook a.ipynb %}" in page


def test_shortcodes_in_code_and_outside_are_told_apart(settings):
    """The same tag in a fenced block, an indented block and the text: only the text's is
    refused, on its own line."""
    text = FIELDS + "\n```\n{% img a.png %}\n```\n\n    {% img a.png %}\n\n{% img a.png %}\n"
    source = parse(Path("a.md"), text, "a.md")
    problems = check.check_body(source, Path("/nonexistent"), settings)
    assert [(p.line, p.message.split(" is ")[0]) for p in problems] == [(12, "`{% img … %}`")]


def test_double_braces_around_no_name_are_text(settings):
    text = FIELDS + "\nThe square of x is $x^{{2}}$, and {{ 1 + 1 }} makes two.\n"
    source = parse(Path("a.md"), text, "a.md")
    assert check.check_body(source, Path("/nonexistent"), settings) == []


UPDATE = FIELDS + "Update: 2026-12-01\n\nText.\n"


def test_an_undeclared_field_near_a_known_one_says_how_to_declare_it(good_site):
    run = build_with(good_site, UPDATE)
    assert run.code == 1
    assert errors(run) == [
        f"error: {shown(good_site)}:5: unknown field 'Update:'. Did you mean 'Date:'? "
        "If 'Update:' is a field of your own, declare it once in pelicanconf.py: "
        'CUSTOM_FIELDS = ["update"].'
    ]


def test_a_declared_custom_field_is_no_typo(tmp_path, settings):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "brought.md").write_text(UPDATE, "utf-8")
    site = {**settings, "PATH": str(tmp_path / "content"), "PAGE_PATHS": []}
    assert [p.message for p in validate(site, tmp_path)][:1] == [
        "unknown field 'Update:'. Did you mean 'Date:'? If 'Update:' is a field of your own, "
        'declare it once in pelicanconf.py: CUSTOM_FIELDS = ["update"].'
    ]
    assert validate({**site, "CUSTOM_FIELDS": ["Update"]}, tmp_path) == []
    assert [str(p) for p in validate({**site, "CUSTOM_FIELDS": "update"}, tmp_path)] == [
        'CUSTOM_FIELDS in the settings: must be a list of field names, e.g. CUSTOM_FIELDS = ["update"].',
        "content/articles/brought.md:5: unknown field 'Update:'. Did you mean 'Date:'? If "
        "'Update:' is a field of your own, declare it once in pelicanconf.py: "
        'CUSTOM_FIELDS = ["update"].',
    ]
    # A setting the build knows: pelicanconf.py may hold it.
    assert unknown_settings({"CUSTOM_FIELDS"}, settings, LOCAL_SETTINGS) == []


HEADINGS = "\n# First\n\nText.\n\n## Inside\n\nMore.\n\n# Second\n\nEnd.\n"


def test_hash_headings_are_shifted_to_h2_with_one_note(good_site):
    run = build_with(good_site, FIELDS + HEADINGS)
    assert run.code == 0, run.stderr
    page = parse_html(good_site / "output" / "brought-over" / "index.html")
    assert [h.name for h in page.find_all("h1")] == ["h1"]  # the title's
    assert [(h.name, h.get("id")) for h in page.main.find_all(["h2", "h3"]) if h.get("id")][:3] == [
        ("h2", "first"),
        ("h3", "inside"),
        ("h2", "second"),
    ]
    notes = [line for line in run.stderr.splitlines() if line.startswith("note: ")]
    assert (
        len(notes) == 1 and "brought.md: its '# ' headings are shown one level lower" in (notes[0])
    ), run.stderr
    # Every build tells it, also when the article comes from Pelican's content cache.
    again = run_build("--content", good_site / "content", output=good_site / "output")
    assert again.code == 0 and again.stderr.count("note: ") == 1, again.stderr


def test_the_table_of_contents_follows_the_shifted_levels(settings):
    text = "# One\n\n## One a\n\n# Two\n\n# Three\n"
    converter = check._converter(settings["MARKDOWN"])
    html = check.rendered(text, settings)
    assert "<h1" not in html
    assert converter.toc.count("<li>") == 4
    assert '<li><a href="#one">One</a><ul>\n<li><a href="#one-a">One a</a></li>' in converter.toc


def test_a_raw_h1_is_refused_in_one_line_and_never_published(settings):
    """Raw HTML is not shifted with the Markdown headings: a second <h1> is refused."""
    text = FIELDS + "\nIntro.\n\n<h1>Imported heading</h1>\n\nText.\n"
    problems = check.check_body(parse(Path("a.md"), text, "a.md"), Path("/none"), settings)
    assert [(p.line, p.message) for p in problems] == [
        (
            8,
            "<h1> is not allowed in an article: the title is the page's one <h1>. Write the "
            "heading as '## Heading' instead (or <h2>).",
        )
    ]
    assert "<h1" not in sanitize.clean("<h1>Imported heading</h1>")


def test_double_hash_headings_stay_h2_without_a_note(good_site):
    run = build_with(good_site, FIELDS + HEADINGS.replace("# ", "## "))
    assert run.code == 0, run.stderr
    page = parse_html(good_site / "output" / "brought-over" / "index.html")
    assert page.find(id="first").name == "h2" and page.find(id="inside").name == "h3"
    assert "note: " not in run.stderr


TABLE = "\n| Stroke | Minutes | Pressure |\n| :--- | :---: | ---: |\n| Effleurage | 5 | Light |\n"


def test_an_aligned_column_has_a_class_and_no_style(good_site):
    run = build_with(good_site, FIELDS + TABLE)
    assert run.code == 0, run.stderr
    page = parse_html(good_site / "output" / "brought-over" / "index.html")
    cells = page.main.find_all(["th", "td"])
    classes = [["align-left"], ["align-center"], ["align-right"]]
    assert [cell.get("class") for cell in cells] == classes * 2
    assert page.find(style=True) is None


@pytest.mark.parametrize(
    "html, what",
    [
        ('<p style="color: red">Red.</p>', 'style="…" on <p>'),
        ("<style>p { color: red }</style>", "<style>"),
    ],
)
def test_a_raw_style_is_refused_with_its_fix(good_site, html, what):
    run = build_with(good_site, FIELDS + "\nText.\n\n" + html + "\n")
    assert run.code == 1
    assert len(errors(run)) == 1, run.stderr
    assert errors(run)[0] == (
        f"error: {shown(good_site)}:8: {what} is not allowed in an article: the site's security policy "
        "blocks styles written in a text, so readers would not see them. Remove it: use "
        "Markdown, or ask for a class in the theme."
    ), run.stderr


@pytest.mark.browser
def test_an_aligned_table_breaks_no_production_policy(good_site, chromium, stylesheet):
    """Served with production's policy (the stylesheet's hash alone for styles): no
    violation, and the columns are aligned all the same, by the theme's stylesheet."""
    run = build_with(good_site, FIELDS + TABLE)
    assert run.code == 0, run.stderr
    policy = content_security_policy(stylesheet)
    with browser.serving(good_site / "output") as url:
        context = chromium.new_context()
        context.route(
            url + "/**",
            lambda route: browser.pass_on(route, headers={"content-security-policy": policy}),
        )
        context.add_init_script(browser.RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.goto(url + "/brought-over/")
        aligned = page.eval_on_selector_all(
            "main td", "cells => cells.map(cell => getComputedStyle(cell).textAlign)"
        )
        violations = page.evaluate("window.__csp")
        sheets = page.evaluate("document.styleSheets.length")
        context.close()
    assert violations == []
    assert sheets >= 1
    assert aligned == ["left", "center", "right"]
