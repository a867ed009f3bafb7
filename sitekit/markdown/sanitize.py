"""What the text of an article, a page or a summary may hold: an allowlist of HTML.

The Markdown reader runs every converted text through nh3 (the Python binding
of ammonia, a Rust sanitizer that parses HTML as browsers do), so nothing off
this list reaches a page or a feed, whatever the source holds. The sources
check (markdown.check) refuses, one line each, what the sanitizer would
remove, so that an editor is told instead of losing text silently; after a
clean check the sanitizer changes nothing but how characters are written
(`&#160;` becomes `&nbsp;`) and drops HTML comments, an editor's notes
(tests/test_sanitize.py). The site's own pages keep their bytes.

The list holds what our Markdown writes (Python-Markdown's "extra", the table
of contents' heading ids and links, our "Sources" section) and a few plain
text-level elements an editor may write by hand, none with attributes. The
images plugin and the scrolling boxes add their markup later, from their own
code, to the sanitized text.

Why the check parses with html5lib: like ammonia and browsers it follows the
HTML standard's parsing rules, so ``<!--><img onerror=...>-->`` is an image
to it too (Python's html.parser and Python-Markdown read it as a comment).
"""

from __future__ import annotations

import html as html_module
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache

import html5lib
import nh3

from sitekit.markdown import editor_notes, tables

# A text's headings start at <h2> (markdown.headings): the title is the page's one <h1>.
HEADINGS = {f"h{level}" for level in range(2, 7)}
# Python-Markdown with "extra", and our footnotes section (markdown.footnotes).
MARKDOWN_ELEMENTS = {
    *HEADINGS,
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
# An editor's note (sitekit.markdown.editor_notes): an aside with its label and date, and
# nothing else those two may carry.
NOTE_ELEMENTS = {"aside", "time"}
# Written by hand in a text now and then; none can carry an attribute.
PLAIN_ELEMENTS = {"b", "i", "kbd", "sub", "del", "ins", "mark", "s", "small"}
ELEMENTS = frozenset(MARKDOWN_ELEMENTS | NOTE_ELEMENTS | PLAIN_ELEMENTS)
ATTRIBUTES = {
    "a": {"href", "title", "aria-label"},  # aria-label: a note's link back to the text
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},  # a note
    "sup": {"id"},  # a note's number in the text
    "section": {"aria-labelledby"},  # the Sources section
    "code": {"class"},  # a fenced block's language: "language-python", and nothing else
    "time": {"datetime"},  # an editor's note's date
    **{heading: {"id"} for heading in HEADINGS},  # the table of contents links to each
}
# Classes Markdown gives, by element: any other class is refused.
CLASSES = {
    "a": {"toclink", "footnote-ref", "footnote-backref"},
    "section": {"footnotes"},
    "div": {"toc"},  # the table of contents (the reader's, or one a [TOC] line puts in the text)
    # A table column's alignment (sitekit.markdown.tables): never a style attribute, which
    # the production security policy blocks.
    **{cell: set(tables.CLASSES) for cell in ("th", "td")},
    "aside": {editor_notes.CLASS},  # an editor's note, and its label
    "p": {editor_notes.LABEL_CLASS},
}
# The one class a code element may have: its language, as a fenced block names it. Not
# any class: a text could borrow the theme's own (`skip-link`, `visually-hidden`).
CODE_CLASS = re.compile(r"language-[\w+#.-]+")
# Attributes allowed with certain values only, by element: an editor's note's label.
ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "aside": {"aria-label": {editor_notes.LABEL}, "role": {"note"}},
}
# Links and images lead to web pages, e-mail addresses, or (with no scheme) this site.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})

# Before a URL's scheme is read, browsers drop tabs and newlines anywhere in it, and
# spaces and control characters around it (the URL standard).
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_HANDLER = re.compile(r"on[a-z]+", re.IGNORECASE)
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_MARKUP_CHARACTERS = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;"}


def _attribute_filter(element: str, name: str, value: str) -> str | None:
    if element == "code" and name == "class" and not CODE_CLASS.fullmatch(value):
        return None
    return value


@cache
def cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ELEMENTS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
        tag_attribute_values={
            tag: {name: set(values) for name, values in allowed.items()}
            for tag, allowed in ATTRIBUTE_VALUES.items()
        },
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_attribute_filter,
        # Comments are an editor's notes, never a reader's.
        strip_comments=True,
        # Python-Markdown adds no rel, and links open in the same tab.
        link_rel=None,
    )


def clean(html: str) -> str:
    """The HTML with everything off the list removed; scripts and styles with their content."""
    return cleaner().clean(html)


def scheme(url: str) -> str | None:
    """The URL's scheme, lower-cased, read as a browser reads it; None for a relative URL."""
    found = _SCHEME.match(_TAB_OR_NEWLINE.sub("", url).strip(_C0_OR_SPACE))
    return found.group(1).lower() if found else None


@dataclass(frozen=True)
class Refusal:
    """One thing in the HTML the list does not allow."""

    element: str
    # The attributes it is refused for (empty: the element itself), with their values.
    attributes: tuple[tuple[str, str], ...] = ()
    # An address with a scheme that is not allowed (an attribute of `attributes`).
    url: str | None = None

    def shown(self) -> str:
        """`<svg onload=…>`: the element as an editor would recognise it in the text."""
        names = "".join(f" {name}=…" for name, _ in self.attributes)
        return f"<{self.element}{names}>"


def is_handler(attribute: str) -> bool:
    """Whether the attribute is an event handler (onload, onerror...), which runs a script."""
    return bool(_HANDLER.fullmatch(attribute))


def _name(qualified: str) -> str:
    """`{http://www.w3.org/1999/xlink}href` -> `xlink:href`, `{...svg}svg` -> `svg`."""
    if not qualified.startswith("{"):
        return qualified
    namespace, local = qualified[1:].split("}", 1)
    return f"xlink:{local}" if namespace.endswith("/xlink") else local


def name_allowed(element: str, name: str) -> bool:
    """Whether the element may carry the attribute, with some value."""
    return (
        name in ATTRIBUTES.get(element, ())
        or (name == "class" and element in CLASSES)
        or name in ATTRIBUTE_VALUES.get(element, {})
    )


def _attribute_allowed(element: str, name: str, value: str) -> bool:
    if _attribute_filter(element, name, value) is None:
        return False
    if name in ATTRIBUTES.get(element, ()):
        return True
    if name == "class" and element in CLASSES:
        return set(value.split()) <= CLASSES[element]
    return value in ATTRIBUTE_VALUES.get(element, {}).get(name, ())


def _refusal(element: ET.Element) -> Refusal | None:
    tag = element.tag
    assert isinstance(tag, str)
    name = _name(tag)
    attributes = [(_name(key), value) for key, value in element.attrib.items()]
    if tag.startswith("{") or name not in ELEMENTS:
        handlers = [(key, value) for key, value in attributes if is_handler(key)]
        return Refusal(name, tuple(handlers[:1]))
    refused = tuple(
        (key, value) for key, value in attributes if not _attribute_allowed(name, key, value)
    )
    urls = [
        value
        for key, value in attributes
        if key in URL_ATTRIBUTES and (found := scheme(value)) and found not in URL_SCHEMES
    ]
    if refused or urls:
        return Refusal(name, refused, urls[0] if urls else None)
    return None


def _parse(html: str) -> ET.Element:
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def refusals(html: str) -> list[Refusal]:
    """What the list does not allow in this HTML, in document order; a refused element
    once, with nothing inside it (it goes, with all it holds)."""
    cleaned = clean(html)
    if cleaned == html or _characters_written_one_way(cleaned) == _characters_written_one_way(html):
        return []  # most texts: nothing removed, at most characters written another way
    found: list[Refusal] = []

    def visit(parent: ET.Element) -> None:
        for child in parent:
            if not isinstance(child.tag, str):  # a comment
                continue
            refusal = _refusal(child)
            if refusal is not None:
                found.append(refusal)
            if refusal is None or refusal.attributes or refusal.url:
                visit(child)

    # Parsed as a whole document, as the page around it is: a <body onload=...> in the
    # text gives the page's own body its attributes, and a <meta> or <style> that comes
    # first goes to the head. The document's own elements carry no attribute of ours.
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in (document, *document):
        if element.tag in ("html", "head", "body") and element.attrib:
            found.append(Refusal(element.tag, tuple(element.attrib.items())[:1]))
    for part in document:
        visit(part)
    if not found and normalised(cleaned) != normalised(html):
        # Removed by the sanitizer for a reason the list above does not spell out (an
        # address it cannot read, say): refused all the same, by its element.
        found.append(_first_difference(_parse(html), _parse(cleaned)))
    return found


def _characters_written_one_way(html: str) -> str:
    """The HTML with every character reference decoded (`&#160;`, `&mdash;`: nh3 writes
    `&nbsp;` and `—`), except those of markup's own characters, which are written one
    way and never decoded: a `&lt;` in the text stays apart from a tag's `<`."""
    return _REFERENCE.sub(_one_way, html)


def _one_way(reference: re.Match[str]) -> str:
    character = html_module.unescape(reference.group(0))
    return _MARKUP_CHARACTERS.get(character, character)


def normalised(html: str) -> str:
    """The HTML as a parser sees it: entities and quotes written one way, comments gone."""
    tokens = html5lib.getTreeWalker("etree")(_parse(html))
    serializer = html5lib.serializer.HTMLSerializer(
        quote_attr_values="always", omit_optional_tags=False, alphabetical_attributes=True
    )
    return serializer.render(token for token in tokens if token["type"] != "Comment")


def _first_difference(original: ET.Element, cleaned: ET.Element) -> Refusal:
    """The first element the sanitizer changed, as a refusal of it."""
    elements = [
        [e for e in tree.iter() if isinstance(e.tag, str) and e is not tree]
        for tree in (original, cleaned)
    ]
    for before, after in zip(*elements, strict=False):
        if before.tag != after.tag:
            return Refusal(_name(before.tag))
        if before.attrib != after.attrib:
            changed = tuple(
                (_name(k), v) for k, v in before.attrib.items() if after.attrib.get(k) != v
            )
            return Refusal(_name(before.tag), changed)
    return Refusal(_name(elements[0][0].tag) if elements[0] else "html")
