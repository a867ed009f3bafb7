"""The redirects feature's part in Pelican: every old address a `Redirect-From:` field
claims, with the address of the article or page that claims it (its own), for the
publishing step (redirects.publish).

Drafts and scheduled articles are read too: a production build does not write them, and
a redirect to one is refused there (it would lead nowhere), where a local build
redirects to the draft's preview.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from pelican import signals

from sitekit.core import state
from sitekit.redirects.check import FIELD, parse_list

# Every list of content a generator keeps, published or not.
_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)


class Claim(NamedTuple):
    old: str  # the old address, below the site's root: /old-slug/
    url: str  # the claiming content's own address, below SITEURL: new-slug/
    save_as: str  # where it is written below the output ("" when it is not)
    title: str
    source: Path


def collect(generators: list[Any]) -> None:
    # `all_generators_finalized`: every article and page read, drafts and translations too.
    claims: list[Claim] = []
    seen: set[int] = set()
    build = None
    for generator in generators:
        build = build or state.of(generator.settings)
        for name in _LISTS:
            for content in getattr(generator, name, None) or []:
                value = content.metadata.get(FIELD)
                if not value or id(content) in seen:
                    continue
                seen.add(id(content))
                claims += [
                    Claim(old, content.url, content.save_as or "", content.title,
                          Path(content.source_path))
                    for old in parse_list(str(value))[0]
                ]  # fmt: skip
    if build is not None:
        build.redirect_claims = sorted(claims, key=lambda c: (c.old, str(c.source)))


def register() -> None:
    signals.all_generators_finalized.connect(collect)
