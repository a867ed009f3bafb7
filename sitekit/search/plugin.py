"""The search feature's part in Pelican.

- Read what Pagefind will index of each page while the page writer has its text
  (search.publish then indexes only when an article's text changed).
- The ``search_body_marker`` template global is the attribute that marks what Pagefind
  indexes (search.publish.BODY_MARKER), written by article.html; ``search_delta`` tells
  the search page to ask pagefind/delta.json for the last rebuild's changes.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from sitekit.core import state
from sitekit.search.publish import BODY_MARKER, READER, read_page


def add_reader(pelican: Any) -> None:
    # `initialized`: before any page is written.
    state.of(pelican.settings).page_readers[READER] = read_page


def add_globals(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    generator.env.globals["search_body_marker"] = BODY_MARKER
    generator.env.globals["search_delta"] = state.of(generator.settings).options.search_delta


def register() -> None:
    signals.initialized.connect(add_reader)
    signals.generator_init.connect(add_globals)
