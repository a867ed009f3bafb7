"""The link check's part in Pelican: record each article's or page's Markdown source, so
that a broken link is told at the file and line an editor wrote it (links.publish).

The check reads each written page's links itself, once for each new page's bytes
(its cache): reading them in the rendering processes saved nothing measurable
(`invoke bench --ablations links-read-while-rendering`: -0.8% of a one-edit rebuild)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content

from sitekit.core import state
from sitekit.core.files import written_name
from sitekit.links.publish import read_html


def record_source(path: str, context: dict[str, Any]) -> None:
    # `content_written`: once per file, with the context its template received.
    source = context.get("article") or context.get("page")
    # An article's page, or a page of content/pages/ (listings have neither).
    if isinstance(source, Content) and getattr(source, "source_path", None):
        name = written_name(path, context["OUTPUT_PATH"])
        state.of(context).page_sources[name] = (
            Path(source.source_path),
            partial(text_links, source),
        )


def text_links(source: Content) -> frozenset[str]:
    """The links written in the article's own text (not the theme's)."""
    return frozenset(read_html(source.content).links)


def register() -> None:
    signals.content_written.connect(record_source)
