"""Pelican's logging and global state, tamed for builds that run one after another in a process.

- Every warning or error logged during a build is collected; the runner turns
  them into problems, one line each (rich would wrap them and add tracebacks).
- Pelican connects plugin receivers to process-wide blinker signals and never
  disconnects them, and its LimitFilter remembers every message it has shown.
  A second build in the same process (the tests run many) would run
  the first build's plugins and hide repeated warnings, so each build starts
  from a clean slate. Pelican offers no public way to do either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sitekit.core.problems import one_line


class _Collector(logging.Handler):
    """Keeps every warning and error logged during a build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(one_line(record.getMessage()))


@contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """Collect warnings and errors; keep Pelican's own console quiet meanwhile."""
    from pelican.log import console

    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    was_quiet, console.quiet = console.quiet, True
    try:
        yield collector.messages
    finally:
        console.quiet = was_quiet
        root.removeHandler(collector)


def fresh_pelican() -> None:
    """Disconnect every plugin receiver and forget the messages Pelican has already shown."""
    from blinker import Signal
    from pelican.log import LimitFilter
    from pelican.plugins import signals

    for value in vars(signals).values():
        if isinstance(value, Signal):
            value._clear_state()
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
