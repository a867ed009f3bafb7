"""A table column's alignment as a class, not a style attribute.

Python-Markdown's tables extension writes ``style="text-align: center;"`` on
each cell of a column written ``|:---:|``. The production security policy
allows only the theme's one stylesheet (``style-src`` with its hash, which
blocks every ``style`` attribute), so a reader's browser would drop that
alignment. The extension's own ``use_align_attribute`` option writes
``align="center"`` instead, which the HTML standard has made obsolete (the Nu
Html Checker refuses it). This treeprocessor gives the cell the class
``align-center`` (``align-left``, ``align-right``) instead, which the theme's
stylesheet aligns (theme/css/site.css), and the sanitizer allows
(sitekit.markdown.sanitize).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Exactly as the tables extension writes it.
_ALIGNMENT = re.compile(r"text-align: (left|center|right);")
CLASSES = frozenset(f"align-{side}" for side in ("left", "center", "right"))


class AlignmentClasses(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for cell in root.iter():
            if cell.tag not in ("th", "td") or "style" not in cell.attrib:
                continue
            if found := _ALIGNMENT.fullmatch(cell.attrib["style"]):
                del cell.attrib["style"]
                cell.set("class", f"align-{found.group(1)}")


class TablesExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Any time after the tree is built: the tables extension is a block processor.
        md.treeprocessors.register(AlignmentClasses(md), "table_alignment", 7)


def makeExtension(**kwargs: Any) -> TablesExtension:
    return TablesExtension(**kwargs)
