"""Reading time for every article, drafts included: words / words_per_minute, at least one.

Replaces pelican-statistics, which also computes readability scores (syllable
counts of every word) that the theme never shows: a third of a cold build's
time at 1,000 articles. It also skipped drafts, so a draft preview had none.
An editor's note (sitekit.markdown.editor_notes) is not the author's text: its words
are not counted.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pelican import signals

from sitekit.core import signals as ours
from sitekit.core import state
from sitekit.markdown.editor_notes import without_notes

_TAG = re.compile(r"<[^>]*>")
# Chinese and Japanese write no spaces between words: each ideograph or kana counts as a
# word. Read aloud, Chinese goes at some 255 characters a minute and English at some 228
# words (the IReST texts, Trauzettel-Klosinski et al., 2012). Their punctuation separates,
# and counts as nothing.
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]")


# The attribute markdown.reader gives each Markdown article: the words of its text.
WORDS = "word_count"


def count_words(html: str) -> int:
    text = _TAG.sub(" ", html)
    ideographs = len(_IDEOGRAPHS.findall(text))
    rest = _CJK_PUNCTUATION.sub(" ", _IDEOGRAPHS.sub(" ", text))
    return ideographs + len(rest.split())


def reading_minutes(words: int, words_per_minute: int) -> int:
    return max(1, math.ceil(words / words_per_minute))


def set_reading_time(generator: Any, contents: list[Any] | None = None) -> None:
    # `article_generator_finalized`: every article is read, none is written yet;
    # `articles_read_again`: these articles only.
    pace = state.of(generator.settings).options.words_per_minute
    for article in contents or [*generator.articles, *generator.drafts]:
        words = getattr(article, WORDS, None)
        if words is None:  # not read by markdown.reader (another format)
            words = count_words(without_notes(article._content or ""))
        article.reading_minutes = reading_minutes(words, pace)


def register() -> None:
    signals.article_generator_finalized.connect(set_reading_time)
    ours.articles_read_again.connect(set_reading_time)
