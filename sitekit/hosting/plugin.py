"""The hosting feature's part in Pelican.

- Record every page written with its newest date, for the sitemap (hosting.sitemap).
  The newest date of an article page is its own (or its Modified date); for a
  listing, a tag or category page and the like, the newest article it lists.
- With the ``csp_meta`` option, the ``csp_meta_policy`` template global gives a page's
  ``<meta>`` Content-Security-Policy (hosting.headers), for hosts that send no headers.
- The ``noindex_meta`` template global is the ``<meta>`` that keeps a page out of
  search engines and out of the sitemap (hosting.sitemap looks for its bytes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pelican import signals
from pelican.contents import Content

from sitekit.core import state
from sitekit.core.files import written_name
from sitekit.hosting.headers import content_security_policy
from sitekit.hosting.sitemap import NOINDEX_META


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


def record_date(path: str, context: dict[str, Any]) -> None:
    # `content_written`: once per file, reused pages included.
    build = state.of(context)
    build.written[written_name(path, context["OUTPUT_PATH"])] = newest_date(
        context, build.newest_listed
    )


def add_noindex_meta(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    generator.env.globals["noindex_meta"] = NOINDEX_META


def add_csp_meta(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    settings = generator.settings
    build = state.of(settings)
    if not build.options.csp_meta:
        return
    parts = urlsplit(settings["SITEURL"])
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    def csp_meta_policy(scripts: tuple[str, ...] = (), search: bool = False) -> str:
        return content_security_policy(
            build.stylesheet, for_meta=True, scripts=scripts, origin=origin, search=search
        )

    generator.env.globals["csp_meta_policy"] = csp_meta_policy


def register() -> None:
    signals.content_written.connect(record_date)
    signals.generator_init.connect(add_noindex_meta)
    signals.generator_init.connect(add_csp_meta)
