"""Linear tag and category pages.

For each tag (and category) page, Pelican keeps the site's date-ordered articles
that belong to it: `[a for a in self.dates if a in articles]`, where `articles`
is the tag's list. A membership test on a list scans it, so the work is the
number of articles times the tag's size: quadratic as the site grows. This
plugin gives those lists a membership test that looks up a set of ids.
"""

from __future__ import annotations

from typing import Any

from pelican import signals


class MemberList(list):
    """A list whose `in` is a set lookup. The set is rebuilt if the list's length changed."""

    def __contains__(self, item: object) -> bool:
        ids = getattr(self, "_ids", None)
        if ids is None or len(ids) != len(self):
            ids = self._ids = {id(member) for member in self}
        return id(item) in ids


def fast_membership(generator: Any) -> None:
    # `article_generator_finalized`: the tag and category lists are complete.
    generator.tags = {tag: MemberList(articles) for tag, articles in generator.tags.items()}
    generator.categories = [
        (category, MemberList(articles)) for category, articles in generator.categories
    ]
    generator.context["tags"] = list(generator.tags.items())  # as Pelican puts it there
    generator.context["categories"] = generator.categories


def register() -> None:
    signals.article_generator_finalized.connect(fast_membership)
