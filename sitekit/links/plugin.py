"""The link check's part in Pelican: read each page's links while the page writer has its
text, and record each article's or page's Markdown source, so that a broken link is told
at the file and line an editor wrote it (links.publish)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content

from sitekit.core import state
from sitekit.core.files import written_name
from sitekit.links.publish import READER, read_html, read_page


def add_reader(pelican: Any) -> None:
    # `initialized`: before any page is written.
    state.of(pelican.settings).page_readers[READER] = read_page


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
    signals.initialized.connect(add_reader)
    signals.content_written.connect(record_source)
