"""Other generators' syntax, refused in one line each: what it is, where it comes from, and
what to write instead.

Articles brought from Hugo, Jekyll or Octopress carry syntax that those
generators run and this site does not: YAML (``---``) or TOML (``+++``) front
matter, Hugo shortcodes (``{{< youtube … >}}``, ``{{% … %}}``), Liquid tags
(``{% img … %}``) and variables (``{{ page.title }}``). Published as they are,
they show up as literal text on the page, or (inside a link) as an escaped
Pelican warning with no file name.

Why refused and not read: front matter in YAML is typed (dates, booleans,
lists, nested maps) and Pelican's reader (Python-Markdown's meta extension)
already half-reads a ``---`` block as ``Key: value`` lines, so reading it would
need a second reader path that the sources check (sitekit.core.sources.parse)
and Pelican's reader (sitekit.markdown.reader) both follow exactly, for a
conversion an editor does once per file. A shortcode or a Liquid tag is a call
into another generator's templates, which this site does not have. So each is
refused with the Pelican way to write it; the README's "Bringing articles from
Pelican, Hugo or Jekyll" shows the conversion.

In a code span or a code block they are text, as they should be, and pass: the
text is rendered with the site's Markdown settings, and a shortcode counts only
if it is in the rendered page outside ``<code>``.

``Aliases:`` (Hugo's old addresses to redirect from) is refused too, with the field this
site reads instead, ``Redirect-From:`` (sitekit.redirects): a silently ignored field
would break old links without a word.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import html5lib

from sitekit.core.problems import Problem
from sitekit.core.sources import Source

FROM = {"YAML": "Hugo or Jekyll", "TOML": "Hugo"}


def front_matter_problem(source: Source) -> Problem | None:
    """One line for a file that starts with YAML or TOML front matter."""
    if source.front_matter is None:
        return None
    line = "---" if source.front_matter == "YAML" else "+++"
    return Problem(
        source.shown,
        1,
        f"this file starts with {source.front_matter} front matter (from "
        f"{FROM[source.front_matter]}), which this site does not read: write the fields as "
        f"'Key: value' lines instead, with no '{line}' lines, e.g. 'Title: My title', "
        "'Date: 2024-05-01', 'Category: Care', 'Tags: one, two', 'Summary: …' (for "
        "description), 'Status: draft' (for draft: true).",
    )


def aliases_problem(source: Source) -> Problem | None:
    if "aliases" not in source.fields:
        return None
    return Problem(
        source.shown,
        source.line_of("aliases"),
        f"'{source.keys['aliases']}:' (old addresses that lead to this article) is Hugo's "
        "name for them: write 'Redirect-From:' instead, with the same addresses separated "
        "by commas, such as 'Redirect-From: /old-slug/, /2019/older-title/'.",
    )


# A Hugo shortcode, `{{< name … >}}` or `{{% name … %}}` (a closing one has `/name`).
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)[^\n]*?[>%]\}\}")
# A Liquid tag, `{% name … %}` (`{%-` and `-%}` trim spaces).
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)[^\n]*?-?%\}")
# A Liquid variable, `{{ page.title }}` or `{{ site.url | append: "/" }}`: a name, which
# starts with a letter (`$x^{{2}}$` in a formula is none).
_LIQUID_VARIABLE = re.compile(r"\{\{-?\s*([A-Za-z_][\w.]*)[^\n{}]*?-?\}\}")
# Fenced code blocks, whose lines are code.
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_IN_CODE = {"code", "pre"}
# Shortcodes that embed another site's page: a link to it is the Markdown way.
EMBEDS = {"youtube", "vimeo", "tweet", "twitter", "x", "gist", "instagram", "bluesky"}
_INDENTED = re.compile(r"( {4}|\t)")


def _shortcode_fix(name: str) -> str:
    if name in ("relref", "ref"):
        return (
            "link to the article with {filename} instead, e.g. [title]({filename}other-article.md)"
        )
    if name in ("figure", "img", "image"):
        return "write an image instead, e.g. ![A description]({static}/images/name.jpg)"
    if name in ("highlight", "code"):
        return "write a fenced code block instead (``` on a line before and after the code)"
    if name in EMBEDS:
        return "write a link instead, e.g. [title](https://…)"
    return "write it in Markdown instead (for anything embedded, a link, e.g. [title](https://…))"


def _liquid_fix(name: str) -> str:
    if name in ("img", "image"):
        return "write an image instead, e.g. ![A description]({static}/images/name.jpg)"
    if name in ("highlight", "endhighlight", "codeblock", "endcodeblock", "raw", "endraw"):
        return "write a fenced code block instead (``` on a line before and after the code)"
    if name in ("link", "post_url"):
        return (
            "link to the article with {filename} instead, e.g. [title]({filename}other-article.md)"
        )
    if name in ("include", "include_code", "notebook", "render_partial"):
        return "paste the text itself, or link to the file, e.g. [title](https://…)"
    return "write a link instead, e.g. [title](https://…), or the text itself"


def _described(found: re.Match[str], kind: str) -> str:
    if kind == "shortcode":
        opening, closing = ("{{<", ">}}") if found.group(1) == "<" else ("{{%", "%}}")
        name = found.group(3)
        shown = f"{opening} {found.group(2)}{name} … {closing}"
        return (
            f"`{shown}` is a Hugo shortcode, which this site does not run: {_shortcode_fix(name)}."
        )
    if kind == "tag":
        name = found.group(1)
        return (
            f"`{{% {name} … %}}` is a Liquid tag (from Jekyll or Octopress), which this site "
            f"does not run: {_liquid_fix(name)}."
        )
    return (
        f"`{{{{ {found.group(1)} }}}}` is a Liquid variable (from Jekyll), which this site does "
        "not fill in: write the text itself (or, to show the braces as they are, put them "
        "in backticks)."
    )


def _candidates(body: str) -> list[tuple[int, re.Match[str], str]]:
    """Each shortcode, tag or variable outside fenced blocks and code spans: (offset of its
    line in the body, the match, its kind); one a line."""
    found = []
    fence = None
    for offset, line in enumerate(body.split("\n")):
        if marker := _FENCE.match(line):
            if fence is None:
                fence = marker.group(1)
            elif marker.group(1).startswith(fence) and not line.strip()[len(marker.group(1)) :]:
                fence = None
            continue
        if fence is not None or "{" not in line:
            continue
        text = _CODE_SPAN.sub(lambda span: " " * len(span.group(0)), line)
        for pattern, kind in (
            (_SHORTCODE, "shortcode"),
            (_LIQUID_TAG, "tag"),
            (_LIQUID_VARIABLE, "variable"),
        ):
            if match := pattern.search(text):
                if not (kind == "shortcode" and match.group(2)):  # its opening is told
                    found.append((offset, match, kind))
                break
    return found


def _outside_code(html: str) -> str:
    """The rendered page's text and attribute values outside <code> and <pre>."""
    parts: list[str] = []

    def visit(element: ET.Element) -> None:
        if isinstance(element.tag, str):  # not a comment
            parts.extend(element.attrib.values())
            if element.tag not in _IN_CODE:
                parts.append(element.text or "")
                for child in element:
                    visit(child)
        parts.append(element.tail or "")

    root = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    parts.append(root.text or "")
    for child in root:
        visit(child)
    return " ".join(" ".join(parts).split())


def foreign_syntax_problems(source: Source, render: Callable[[str], str]) -> list[Problem]:
    """One line for each shortcode, Liquid tag or variable the page would show as text."""
    body = source.body
    if "{{" not in body and "{%" not in body:
        return []
    candidates = _candidates(body)
    if not candidates:
        return []
    shown = _outside_code(render(body))
    # As many of each as the page shows: those in an indented code block are not shown,
    # and are dropped first.
    keys = [_key(found, kind) for _, found, kind in candidates]
    left = {key: len(re.findall(key, shown)) for key in set(keys)}
    kept = set()
    order = sorted(
        range(len(candidates)),
        key=lambda i: bool(_INDENTED.match(body.split("\n")[candidates[i][0]])),
    )
    for index in order:
        if left[keys[index]] > 0:
            left[keys[index]] -= 1
            kept.add(index)
    return [
        Problem(source.shown, source.body_line + offset, _described(found, kind))
        for index, (offset, found, kind) in enumerate(candidates)
        if index in kept
    ]


def _key(found: re.Match[str], kind: str) -> str:
    """A pattern that finds this shortcode, tag or variable in the rendered text."""
    opening = found.group(0)[:2] + (found.group(1) if kind == "shortcode" else "")
    name = found.group(3) if kind == "shortcode" else found.group(1)
    return re.escape(opening) + r"-?\s*" + re.escape(name) + r"\b"
