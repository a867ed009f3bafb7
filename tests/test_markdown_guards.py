"""sitekit.markdown.guards: the same HTML as Python-Markdown without it, and its guards in place."""

from pathlib import Path

import pytest
from markdown import Markdown

import pelicanconf
from sitekit.markdown import guards as markdown_guards

GUARDS = "sitekit.markdown.guards"
ARTICLES = sorted((Path(__file__).parents[1] / "content").glob("**/*.md"))

# Each construct a guarded pattern handles, and near misses of it.
TRICKY = [
    "Some `code`, an escaped \\`backtick\\` and ``two `ticks` inside``.",
    "\\\\`code after escaped backslashes` and a lone ` tick.",
    "A [link](https://example.org/ 'title'), [a reference][ref], [ref] and [ref][].\n\n"
    "[ref]: https://example.org/ref",
    "An ![image](a.png) beside [brackets] that link nowhere, and \\[escaped].",
    "# Heading one\n\nText\n\n## Heading two ##\n\n####### seven is text",
    "Setext one\n==========\n\nSetext two\n---\n\nNot a heading - just a dash.",
    "Rule:\n\n* * *\n\n---\n\n___\n\n- a list item\n- another\n\n**bold** and *em* - dash",
    "> A quote\n> on two lines\n\nA > sign in text, and a -> arrow.",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n\nA | pipe in text.\n\nx | y\n--|--\n1 | 2",
    "Term\n:   Its definition\n\nA sentence: with a colon.\n\nTime 10:30",
    "Footnote[^1] and text.\n\n[^1]: The note, with `code` and a [link](x.html).",
    "*[HTML]: Hyper Text Markup Language\n\nThe HTML abbreviation.",
    '<div markdown="1">\n# Inside\n\n`code` [x](y)\n</div>',
    "```python\n# not a heading\n> not a quote\n```",
    "A line with two spaces  \nbreaks, & an &amp; entity, <b>html</b> <https://x.org>.",
]


def convert(text: str, extensions: list[str]) -> str:
    return Markdown(**{**pelicanconf.MARKDOWN, "extensions": extensions}).convert(text)


@pytest.mark.parametrize(
    "text", TRICKY + [path.read_text("utf-8") for path in ARTICLES], ids=lambda t: t[:20]
)
def test_the_html_is_the_same_without_the_guards(text):
    extensions = list(pelicanconf.MARKDOWN["extension_configs"])
    assert extensions[-1] == GUARDS, "listed last, after the processors it guards"
    unguarded = [name for name in extensions if name != GUARDS]
    assert convert(text, extensions) == convert(text, unguarded)


def test_every_guard_finds_its_processor():
    md = Markdown(extensions=list(pelicanconf.MARKDOWN["extension_configs"]))
    for name in markdown_guards.BLOCK_NEEDLES:
        assert md.parser.blockprocessors[name].test.__name__ == "guarded", name
    for name in markdown_guards.INLINE_NEEDLES:
        assert isinstance(
            md.inlinePatterns[name].getCompiledRegExp(), markdown_guards.GuardedPattern
        ), name


def test_a_guard_skips_text_without_its_needles():
    md = Markdown(extensions=list(pelicanconf.MARKDOWN["extension_configs"]))
    backtick = md.inlinePatterns["backtick"].getCompiledRegExp()
    assert list(backtick.finditer("plain prose, no code")) == []
    assert [m.start() for m in backtick.finditer("a `code` span", 2)] == [2, 7]
    assert list(backtick.finditer("a `code` span", 8)) == []
    assert not md.parser.blockprocessors["hashheader"].test(None, "No hash here")
