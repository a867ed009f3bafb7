"""Record every page Pelican writes: its newest date for hosting.sitemap, and for an
article page its source and the links of its text, for links.publish.

The newest date of an article page is its own (or its Modified date); for a
listing, a tag or category page and the like, the newest article it lists.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content

from sitekit.core import state
from sitekit.links.publish import read_html


def newest_date(
    context: dict[str, Any], memo: dict[int, tuple[Any, datetime | None]] | None = None
) -> datetime | None:
    """The newest date a page shows. `memo` keeps the newest of each list of articles
    (by id, with the list): the pages of one listing share theirs."""
    article = context.get("article") or context.get("page")
    if isinstance(article, Content):
        return getattr(article, "modified", None) or getattr(article, "date", None)
    articles = context.get("articles") or ()
    if memo is not None and id(articles) in memo:
        return memo[id(articles)][1]
    newest = max((a.date for a in articles if getattr(a, "date", None)), default=None)
    if memo is not None:
        memo[id(articles)] = (articles, newest)
    return newest


def record(path: str, context: dict[str, Any]) -> None:
    # `content_written`: once per file, reused pages included.
    build = state.of(context)
    # Pelican gives `path` as abspath(OUTPUT_PATH + name): the name is what follows the
    # folder (resolve() would cost a realpath a page, relpath two abspaths).
    folder = os.path.join(os.path.abspath(context["OUTPUT_PATH"]), "")
    name = path.removeprefix(folder) if path.startswith(folder) else os.path.relpath(path, folder)
    name = name.replace(os.sep, "/")
    build.written[name] = newest_date(context, build.newest_listed)
    # An article's page, or a page of content/pages/ (listings have neither).
    source = context.get("article") or context.get("page")
    if isinstance(source, Content) and getattr(source, "source_path", None):
        build.page_sources[name] = (Path(source.source_path), partial(text_links, source))


def text_links(source: Content) -> frozenset[str]:
    """The links written in the article's own text (not the theme's)."""
    return frozenset(read_html(source.content).links)


def register() -> None:
    signals.content_written.connect(record)
