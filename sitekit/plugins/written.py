"""Record every page Pelican writes, with the newest date it shows, for publish.sitemap.

For an article that is its own date (or its Modified date); for a listing, a
tag or category page and the like, the newest article it lists.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import signals

from sitekit import state


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


def register() -> None:
    signals.content_written.connect(record)
