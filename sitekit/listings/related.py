"""Related articles: those that share the most tags, newest first among equals.

Replaces pelican-related-posts, which (1) looks drafts' tags up in Pelican's
tag defaultdict, creating empty tags that Pelican then writes pages for, and
(2) counts shared tags over whole tag lists, which grows with the square of
the number of articles. Here each article looks only at a window of its
neighbours in each tag's date-ordered list, so the work is linear.

An article's older and newer neighbours (Pelican's neighbors plugin: the
articles just before and after it, newest first) are linked just above the
related articles, so they are never among them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from pelican import signals

from sitekit.core import state


def set_related(generator: Any) -> None:
    # `article_generator_finalized`: every article is read, none is written yet.
    limit = state.of(generator.settings).options.related_max
    window = 2 * limit
    articles = generator.articles  # newest first, then by slug (Pelican sorts by slug before date)
    rank = {id(article): n for n, article in enumerate(articles)}
    members = defaultdict(list)  # tag or category -> its articles, newest first
    for article in articles:
        for key in _keys(article):
            members[key].append(article)
    position = {(key, id(a)): n for key, group in members.items() for n, a in enumerate(group)}

    for article in [*articles, *generator.drafts]:
        at = rank.get(id(article))  # a draft has no place, and no neighbours
        pager = set() if at is None else {at - 1, at + 1}
        scores = Counter()
        for key in _keys(article):
            group = members.get(key, [])
            here = position.get((key, id(article)), 0)
            for other in group[max(0, here - window) : here + window + 1]:
                if other is not article and rank[id(other)] not in pager:
                    # A shared tag counts fully; sharing only the category breaks ties.
                    scores[id(other)] += 1 if key[0] == "tag" else 0.1
        best = sorted(scores, key=lambda other: (-scores[other], rank[other]))[:limit]
        article.related_posts = [articles[rank[other]] for other in best]


def _keys(article: Any) -> list[tuple[str, str]]:
    keys = [("tag", tag.name) for tag in getattr(article, "tags", [])]
    if getattr(article, "category", None):
        keys.append(("category", article.category.name))
    return keys


def register() -> None:
    signals.article_generator_finalized.connect(set_related)
