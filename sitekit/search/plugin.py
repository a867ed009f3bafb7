"""The search feature's part in Pelican: read what Pagefind will index of each page while the
page writer has its text (search.publish then indexes only when an article's text changed)."""

from __future__ import annotations

from typing import Any

from pelican import signals

from sitekit.core import state
from sitekit.search.publish import READER, read_page


def add_reader(pelican: Any) -> None:
    # `initialized`: before any page is written.
    state.of(pelican.settings).page_readers[READER] = read_page


def register() -> None:
    signals.initialized.connect(add_reader)
