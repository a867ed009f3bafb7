"""Keep article titles literal in the Atom and RSS feeds.

Pelican strips anything that looks like a tag from feed titles, because a
reStructuredText title may carry markup. Ours come from Markdown metadata and
are plain text, so "Why </script> breaks pages" must stay whole; the feed
writer escapes it like any other text.
"""

from __future__ import annotations

from typing import Any

from pelican import signals


def literal_titles(context: dict[str, Any], feed: Any) -> None:
    # `feed_generated`: the feed is built and not yet written.
    domain = (context.get("FEED_DOMAIN") or context.get("SITEURL") or "").rstrip("/")
    by_url = {article.url: article for article in context.get("articles", [])}
    for item in feed.items:
        path = item["link"].removeprefix(domain + "/").split("?", 1)[0]
        if path in by_url:
            item["title"] = by_url[path].title


def register() -> None:
    signals.feed_generated.connect(literal_titles)
