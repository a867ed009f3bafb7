"""Footnotes as a "Sources" section at the end of an article.

Python-Markdown's footnotes extension ends the text with an unlabelled
``<div class="footnote"><hr><ol>...``, and its back-links are named only by the
arrow they show. This turns that block into a section with a heading
(FOOTNOTES_HEADING, "Sources" by default) and names each back-link. The
extension has options for neither, so its fixed output is rewritten here;
a test pins that output, so a new Markdown release that changes it fails loudly.
"""

from __future__ import annotations

import re

HEADING_ID = "footnotes-heading"
# The section's class, which the stylesheet styles (theme/css/site.css).
SECTION_CLASS = "footnotes"
_BLOCK = re.compile(r'<div class="footnote">\s*<hr>\s*(<ol>.*?</ol>)\s*</div>', re.DOTALL)
_BACKREF = re.compile(
    r'<a class="footnote-backref" href="(#fnref[^"]*)" title="Jump back to footnote (\d+) in the text"'
)


def as_sources(html: str, heading: str) -> str:
    """The article's HTML with its footnotes as a labelled section; unchanged without footnotes."""

    def section(match: re.Match[str]) -> str:
        notes = _BACKREF.sub(
            r'<a class="footnote-backref" href="\1" aria-label="Back to the text of note \2"',
            match.group(1),
        )
        return (
            f'<section class="{SECTION_CLASS}" aria-labelledby="{HEADING_ID}">\n'
            f'<h2 id="{HEADING_ID}">{heading}</h2>\n{notes}\n</section>'
        )

    return _BLOCK.sub(section, html, count=1)
