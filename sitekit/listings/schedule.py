"""Scheduled articles: dated in the future, published only once their date has come.

With WITH_FUTURE_DATES off (pelicanconf.py), Pelican makes such an article a
draft: production writes no page, feed entry, sitemap entry or listing for it,
and a local build previews it under drafts/. This plugin tells the two kinds of
draft apart, so the preview says when the article will appear, and records each
scheduled article for the runner's one-line summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from sitekit.core import signals as ours
from sitekit.core import state


def is_scheduled(article: Any) -> bool:
    """A draft because of its date, not because its editor said so."""
    return article.status == "draft" and article.metadata.get("status", "").lower() != "draft"


def mark_scheduled(generator: Any, contents: list[Any] | None = None) -> None:
    # `article_generator_finalized`: every article is read and has its status;
    # `articles_read_again`: these articles only.
    build = state.of(generator.settings)
    for article in contents or [*generator.articles, *generator.drafts]:
        article.scheduled = is_scheduled(article)
        if article.status != "draft":
            continue
        what = "a draft"
        if article.scheduled:
            build.scheduled[article.relative_source_path] = article.date
            what = f"an article scheduled for {article.date:%Y-%m-%d}"
        # Where links to it lead; production writes nothing there.
        build.unpublished[article.url] = (what, Path(article.source_path))


def register() -> None:
    signals.article_generator_finalized.connect(mark_scheduled)
    ours.articles_read_again.connect(mark_scheduled)
