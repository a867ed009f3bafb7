"""One ``<h1>`` a page: a text's headings start at ``<h2>``.

The page's title is its one first-level heading. A text brought from another
site often writes its sections as ``# Heading``; this treeprocessor then moves
every heading of that text one level down (``#`` to ``<h2>``, ``##`` to
``<h3>``, a ``######`` stays ``<h6>``), before the table of contents is made
from them, so the contents follow the shifted levels. A text without ``#``
headings is left as it is. The reader tells the editor in one note, not an
error (sitekit.markdown.reader, printed by the runner): the page is right.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


class ShiftHeadings(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        headings = [element for element in root.iter() if element.tag in HEADINGS]
        shifted = any(heading.tag == "h1" for heading in headings)
        if shifted:
            for heading in headings:
                heading.tag = f"h{min(int(heading.tag[1]) + 1, 6)}"
        self.md.headings_shifted = shifted  # type: ignore[attr-defined]


class HeadingsExtension(Extension):
    md: Markdown | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        self.md = md
        md.registerExtension(self)
        md.headings_shifted = False  # type: ignore[attr-defined]
        # Before the table of contents (priority 5) reads the headings.
        md.treeprocessors.register(ShiftHeadings(md), "shift_headings", 6)

    def reset(self) -> None:
        if self.md is not None:
            self.md.headings_shifted = False  # type: ignore[attr-defined]


def makeExtension(**kwargs: Any) -> HeadingsExtension:
    return HeadingsExtension(**kwargs)
