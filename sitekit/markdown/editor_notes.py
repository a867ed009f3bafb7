"""Editor's notes: a correction or remark beside the author's text, never inside it.

An article's text is the author's, kept verbatim; where it needs a word from the
editors, a note goes between its paragraphs, written as Python-Markdown's
admonition block (the syntax MkDocs Material and other Markdown editors know),
with the date of the note as its title and the note indented below::

    !!! editor-note "2026-12-03"
        Petrissage is kneading; long gliding strokes are effleurage.

This extension loads Python-Markdown's ``admonition`` and turns each
``editor-note`` block into a labelled aside, the same markup on every page and
in every feed::

    <aside class="editor-note" role="note" aria-label="Editor's note">
    <p class="editor-note-label"><strong>Editor's note</strong> ·
    <time datetime="2026-12-03">3 December 2026</time></p>
    <p>Petrissage is kneading; ...</p>
    </aside>

(with a typographic apostrophe in "Editor's"). The sanitizer
(sitekit.markdown.sanitize) allows exactly this markup and no other value of
it; the reading time (sitekit.markdown.reading_time) does not
count it; the sources check (``problems`` below, called from
sitekit.markdown.check) refuses, one line each, a note without a readable date
or without text, and a block of any other type (``!!! warning``), which would
otherwise show as a plain paragraph.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from markdown import Extension, Markdown
from markdown.extensions.admonition import AdmonitionExtension
from markdown.treeprocessors import Treeprocessor

from sitekit.core.dates import parse_iso

KIND = "editor-note"
# A typographic apostrophe: no character reference in the attribute, on any page.
LABEL = "Editor\N{RIGHT SINGLE QUOTATION MARK}s note"
CLASS = "editor-note"
LABEL_CLASS = "editor-note-label"
# A note in the converted text, before or after the sanitizer (which sorts attributes).
_NOTE_HTML = re.compile(rf'<aside\b[^>]*\bclass="{CLASS}"[^>]*>.*?</aside>', re.DOTALL)
# Python-Markdown's own expression for the first line of an admonition block.
_BLOCK = re.compile(r'^!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *$')
_FENCE = re.compile(r"^\s*(```|~~~)")


def without_notes(html: str) -> str:
    """The converted text without its editor's notes: the author's words alone."""
    return _NOTE_HTML.sub(" ", html)


def spoken_date(value: str) -> str:
    moment = parse_iso(value)
    return f"{moment.day} {moment:%B %Y}" if moment else value


class EditorNotes(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "div" and element.get("class", "").split() == ["admonition", KIND]:
                self._aside(element)

    @staticmethod
    def _aside(element: ET.Element) -> None:
        element.tag = "aside"
        element.attrib.clear()
        element.set("class", CLASS)
        # A note, not a landmark: an article may hold several, all named alike.
        element.set("role", "note")
        element.set("aria-label", LABEL)
        title = element[0] if len(element) else None
        if title is None or title.get("class") != "admonition-title":
            return
        written = (title.text or "").strip()
        title.attrib.clear()
        title.set("class", LABEL_CLASS)
        title.text = None
        strong = ET.SubElement(title, "strong")
        strong.text = LABEL
        strong.tail = " · "
        time = ET.SubElement(title, "time")
        time.set("datetime", written)
        time.text = spoken_date(written)


class EditorNotesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtensions([AdmonitionExtension()], {})
        md.registerExtension(self)
        # Treeprocessors run after every block processor, admonition's too; before the
        # table of contents (5) and the heading shift (6), which never look inside.
        md.treeprocessors.register(EditorNotes(md), "editor_notes", 7)


def makeExtension(**kwargs: Any) -> EditorNotesExtension:
    return EditorNotesExtension(**kwargs)


def problems(body: str) -> list[tuple[int, str]]:
    """Each block line of the text that is no well-formed editor's note: (line index in
    the text, message). Lines inside fenced code are text, not blocks."""
    found = []
    lines = body.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or not line.startswith("!!!"):
            continue
        match = _BLOCK.match(line.rstrip())
        kinds = match.group(1).split() if match else []
        if kinds != [KIND]:
            written = (match.group(1) if match else line[3:].strip().split(" ")[0]) or "nothing"
            found.append(
                (
                    index,
                    f"'!!! {written}' is not a block this site knows: the only one is an "
                    f"editor's note, written '!!! {KIND} \"YYYY-MM-DD\"' with the note "
                    "indented by four spaces on the lines below.",
                )
            )
            continue
        date = match.group(2)
        if date is None:
            found.append(
                (
                    index,
                    f"this editor's note has no date: write it as '!!! {KIND} \"YYYY-MM-DD\"', "
                    "with the day the note was written.",
                )
            )
        elif parse_iso(date) is None:
            found.append(
                (
                    index,
                    f"the date '{date}' of this editor's note is not a date written as "
                    "YYYY-MM-DD, such as 2026-12-03.",
                )
            )
        if not _note_text(lines[index + 1 :]):
            found.append(
                (
                    index,
                    "this editor's note has no text: write the note on the lines below it, "
                    "each indented by four spaces, or remove the '!!!' line.",
                )
            )
    return found


def _note_text(rest: list[str]) -> str:
    """The note's own lines: those indented below it, as admonition reads them."""
    text = []
    for line in rest:
        if line.strip() and not line.startswith(("    ", "\t")):
            break
        text.append(line.strip())
    return " ".join(text).strip()
