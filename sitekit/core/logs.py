"""Pelican's logging and global state, tamed for builds that run one after another in a process.

- Every warning or error logged during a build is collected; the runner turns
  them into problems, one line each (rich would wrap them and add tracebacks).
  Each names the source Pelican was working on when it logged (many of Pelican's
  own name none: `Unable to generate valid slug for Tag "["`), found on the
  stack, since Pelican works out a slug or a page's links lazily, long after
  reading the file; and shows the text as written, not HTML-escaped.
- Pelican connects plugin receivers to process-wide blinker signals and never
  disconnects them, and its LimitFilter remembers every message it has shown.
  A second build in the same process (the tests run many) would run
  the first build's plugins and hide repeated warnings, so each build starts
  from a clean slate. Pelican offers no public way to do either.
"""

from __future__ import annotations

import html
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from sitekit.core.problems import display_path, one_line

# A record relayed from a forked process (core.forks) was located there.
RELAYED = "sitekit_relayed"
# Where Pelican's code holds the content object it is working on.
_CONTENT_NAMES = ("self", "article", "page", "content")
# Pelican's functions about many sources at once (two articles with one slug): the
# generator that calls them still holds the last file it read, which is not the one.
_ABOUT_MANY = frozenset({"process_translations", "get_original_items"})


def source_of(frame: FrameType | None) -> str | None:
    """The source file the code running in `frame` (or its callers) works on: the innermost
    Pelican content object (an article whose tag has no slug, a page whose text has a link
    Pelican cannot replace), else the file Pelican's `Readers.read_file` is reading."""
    while frame is not None:
        if (found := _source_in(frame)) is not None:
            return found or None
        frame = frame.f_back
    return None


def source_of_error(error: BaseException) -> str | None:
    """The same for an exception, from the frames it went through, innermost first (a
    missing template named by an article's Template: field)."""
    frames = []
    trace = error.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame)
        trace = trace.tb_next
    found = (source for source in map(_source_in, reversed(frames)) if source is not None)
    return next(found, None) or None


def _source_in(frame: FrameType) -> str | None:
    """The source `frame` works on; "" when it works on many (look no further)."""
    from pelican.contents import Content

    code = frame.f_code
    in_pelican = f"{os.sep}pelican{os.sep}" in code.co_filename
    if in_pelican and code.co_name in _ABOUT_MANY:
        return ""
    found = frame.f_locals
    for name in _CONTENT_NAMES:
        value = found.get(name)
        if isinstance(value, Content) and getattr(value, "source_path", None):
            return str(value.source_path)
    reading = in_pelican and code.co_name == "read_file"
    if reading and isinstance(found.get("path"), str):
        return os.path.join(found.get("base_path") or "", found["path"])
    return None


def located(message: str, source: str | None) -> str:
    """One line for the terminal: the source file first, when known, and no HTML escape
    (Pelican quotes a page's text as the Markdown made it: `&lt;` for `<`)."""
    text = html.unescape(one_line(message))
    if source is None:
        return text
    shown = display_path(Path(source))
    return f"{shown}: {text.replace(source, shown)}"


class _Relayed(str):
    """The format of a message relayed from a forked process: located there already."""


RELAYED_FORMAT = _Relayed("%s")
# The record's attribute for the source file it was logged about (None: no file at hand).
SOURCE = "sitekit_source"


def _locating(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """A log record factory that names, in each warning's message, the source at hand.

    Done as the record is made, before any filter: Pelican's LimitFilter shows a message
    once a build, and "Unable to generate valid slug for Tag" is the same for every
    file with that tag; named by file, each one is shown."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if (
            record.levelno >= logging.WARNING
            and not hasattr(record, SOURCE)
            and not isinstance(record.msg, _Relayed)
        ):
            source = source_of(sys._getframe(1))
            setattr(record, SOURCE, source)
            if source is not None and isinstance(record.msg, str):
                shown = display_path(Path(source))
                record.msg = _Located(record.msg)
                record.msg.prefix = f"{shown.replace('%', '%%') if record.args else shown}: "
        return record

    return make


class _Located(str):
    """A message that equals what was logged (LOG_FILTER matches it as written), and
    reads with the source's name first (Pelican's LimitFilter tells messages apart by that
    reading)."""

    prefix = ""

    def __str__(self) -> str:
        return self.prefix + str.__str__(self)


class _Collector(logging.Handler):
    """Keeps every warning and error logged during a build, each naming the file at hand."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, RELAYED, False):
            self.messages.append(record.getMessage())
        elif hasattr(record, SOURCE):
            text = html.unescape(one_line(record.getMessage()))
            if source := getattr(record, SOURCE):
                shown = display_path(Path(source))
                text = text.replace(source, shown)
                if not isinstance(record.msg, _Located):
                    text = f"{shown}: {text}"
            self.messages.append(text)
        else:  # made before the factory was in place
            self.messages.append(located(record.getMessage(), source_of(sys._getframe(1))))


@contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """Collect warnings and errors; keep Pelican's own console quiet meanwhile."""
    from pelican.log import console

    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    was_quiet, console.quiet = console.quiet, True
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_locating(factory))
    try:
        yield collector.messages
    finally:
        logging.setLogRecordFactory(factory)
        console.quiet = was_quiet
        root.removeHandler(collector)


def fresh_pelican() -> None:
    """Disconnect every plugin receiver and forget the messages Pelican has already shown."""
    from blinker import Signal
    from pelican.log import LimitFilter
    from pelican.plugins import signals

    from sitekit.core import signals as ours

    for value in [*vars(signals).values(), *vars(ours).values()]:
        if isinstance(value, Signal):
            value._clear_state()
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
