"""Each article's and page's address, worked out once.

Pelican works out `url` and `save_as` from the URL settings on every read: a
dict of the metadata, the source's relative path, then str.format, about 40 µs.
Templates, page keys and feeds read them some ten times a page, which made
0.3 s of a cold build of 1,000 articles. Once every article (or page) is read,
and Pelican has cached them, each one's class becomes a subclass, with the same
name (Pelican picks URL settings by class name), that keeps both values after
their first reading. Nothing changes an address after reading.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import Any

from pelican import signals
from pelican.contents import Content

from sitekit.core import signals as ours


class _Fixed:
    @cached_property
    def url(self) -> str:
        return self.get_url_setting("url")  # type: ignore[attr-defined]

    @cached_property
    def save_as(self) -> str:
        return self.get_url_setting("save_as")  # type: ignore[attr-defined]


@cache
def fixed(cls: type[Content]) -> type[Content]:
    """`cls` with addresses kept once read; the same name and module, for Pelican's lookups."""
    return type(cls.__name__, (_Fixed, cls), {"__module__": cls.__module__})


def fix(contents: list[Content]) -> None:
    for content in contents:
        if not isinstance(content, _Fixed):
            content.__class__ = fixed(type(content))


# Where each generator keeps what it read.
ARTICLE_GROUPS = ("articles", "translations", "drafts", "drafts_translations")
PAGE_GROUPS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)


def fix_articles(generator: Any) -> None:
    # `article_generator_finalized`: every article is read and cached by Pelican.
    for group in ARTICLE_GROUPS:
        fix(getattr(generator, group, []))


def fix_pages(generator: Any) -> None:
    # `page_generator_finalized`: the same, for pages.
    for group in PAGE_GROUPS:
        fix(getattr(generator, group, []))


def fix_again(generator: Any, contents: list[Content]) -> None:
    # `articles_read_again` and `pages_read_again`: these objects, read again.
    fix(contents)


def register() -> None:
    signals.article_generator_finalized.connect(fix_articles)
    signals.page_generator_finalized.connect(fix_pages)
    ours.articles_read_again.connect(fix_again)
    ours.pages_read_again.connect(fix_again)
