"""Reading time for every article, drafts included: words / words_per_minute, at least one.

Replaces pelican-statistics, which also computes readability scores (syllable
counts of every word) that the theme never shows: a third of a cold build's
time at 1,000 articles. It also skipped drafts, so a draft preview had none.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pelican import signals

from sitekit import state

_TAG = re.compile(r"<[^>]*>")


def reading_minutes(html: str, words_per_minute: int) -> int:
    return max(1, math.ceil(len(_TAG.sub(" ", html).split()) / words_per_minute))


def set_reading_time(generator: Any) -> None:
    # `article_generator_finalized`: every article is read, none is written yet.
    pace = state.of(generator.settings).options.words_per_minute
    for article in [*generator.articles, *generator.drafts]:
        article.reading_minutes = reading_minutes(article._content or "", pace)


def register() -> None:
    signals.article_generator_finalized.connect(set_reading_time)
