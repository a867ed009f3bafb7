"""Wide tables and long code lines scroll inside their own box, so a phone never scrolls sideways.

Each ``<table>`` and ``<pre>`` of an article is wrapped in a
``<div class="scroll" role="region" tabindex="0" aria-label="...">``: a
scrollable region must be reachable by keyboard, and a focusable region must
have a name (axe's scrollable-region-focusable and aria rules).
"""

from __future__ import annotations

import re
from typing import Any

from pelican import signals

from sitekit.core import signals as ours

# The box's class, which the stylesheet styles (theme/css/site.css).
BOX_CLASS = "scroll"
_BOXED = re.compile(r"<(table|pre)\b.*?</\1>", re.DOTALL)
_LABELS = {"table": "Table", "pre": "Code example"}


def box(html: str) -> str:
    counts = dict.fromkeys(_LABELS, 0)

    def wrap(match: re.Match[str]) -> str:
        kind = match.group(1)
        counts[kind] += 1
        label = f"{_LABELS[kind]} {counts[kind]}"
        return (
            f'<div class="{BOX_CLASS}" role="region" tabindex="0" aria-label="{label}">'
            f"{match.group(0)}</div>"
        )

    return _BOXED.sub(wrap, html)


def box_articles(generator: Any, contents: list[Any] | None = None) -> None:
    # `article_generator_finalized`: every article is read, none is written yet;
    # `articles_read_again`: these articles only.
    for article in contents or [*generator.articles, *generator.drafts]:
        if article._content and ("<table" in article._content or "<pre" in article._content):
            article._content = box(article._content)


def register() -> None:
    signals.article_generator_finalized.connect(box_articles)
    ours.articles_read_again.connect(box_articles)
