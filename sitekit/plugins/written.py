"""Record every page Pelican writes: its newest date for publish.sitemap, and for an
article page its source and the links of its text, for publish.links.

The newest date of an article page is its own (or its Modified date); for a
listing, a tag or category page and the like, the newest article it lists.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import signals

from sitekit import state
from sitekit.publish.links import read_html


def newest_date(context: dict[str, Any]) -> datetime | None:
    article = context.get("article")
    if article is not None:
        return getattr(article, "modified", None) or article.date
    dates = [a.date for a in context.get("articles") or () if getattr(a, "date", None)]
    return max(dates, default=None)


def record(path: str, context: dict[str, Any]) -> None:
    # `content_written`: once per file, reused pages included.
    build = state.of(context)
    name = Path(path).relative_to(context["OUTPUT_PATH"]).as_posix()
    build.written[name] = newest_date(context)
    article = context.get("article")
    if article is not None and getattr(article, "source_path", None):
        links = read_html(article.content).links
        build.page_sources[name] = (Path(article.source_path), frozenset(links))


def register() -> None:
    signals.content_written.connect(record)
