"""Keep article titles literal in the Atom and RSS feeds, and say each entry's language.

Pelican strips anything that looks like a tag from feed titles, because a
reStructuredText title may carry markup. Ours come from Markdown metadata and
are plain text, so "Why </script> breaks pages" must stay whole; the feed
writer escapes it like any other text.

The feed is in the site's language (DEFAULT_LANG), and an article in another
(`Lang: zh`) is an Atom entry with its own `xml:lang`, which feed readers use
to pick fonts and hyphenation. RSS 2.0 has a language for the whole channel
only, so its items say nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from feedgenerator import Atom1Feed
from pelican import signals


def literal_titles(context: dict[str, Any], feed: Any) -> None:
    # `feed_generated`: the feed is built and not yet written.
    domain = (context.get("FEED_DOMAIN") or context.get("SITEURL") or "").rstrip("/")
    articles = [*context.get("articles", []), *context.get("translations", [])]
    by_url = {article.url: article for article in articles}
    for item in feed.items:
        path = item["link"].removeprefix(domain + "/").split("?", 1)[0]
        if path in by_url:
            item["title"] = by_url[path].title
            item[LANGUAGE] = by_url[path].lang
    # The site's language for the whole feed (Pelican gives none): <language> in RSS,
    # xml:lang on Atom's <feed>.
    feed.feed["language"] = feed.feed["language"] or context.get("DEFAULT_LANG")
    if isinstance(feed, Atom1Feed):
        feed.item_attributes = partial(entry_attributes, feed)


# The item's key for its article's language (feedgenerator keeps extra keys of an item).
LANGUAGE = "sitekit_lang"


def entry_attributes(feed: Atom1Feed, item: dict[str, Any]) -> dict[str, str]:
    """An Atom entry's attributes: xml:lang when its language is not the feed's."""
    language = item.get(LANGUAGE)
    return {"xml:lang": language} if language and language != feed.feed["language"] else {}


def register() -> None:
    signals.feed_generated.connect(literal_titles)
