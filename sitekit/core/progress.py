"""One status line for long builds on a terminal: the stage and a count ("reading 812/1000").

Shown only when standard error is a terminal and CI is not set, and only once
the build has run for `DELAY` seconds: a quick build prints nothing but its
summary, and CI logs get no progress noise. The line is redrawn at most ten
times a second and erased before the summary or any problem is printed.
tqdm and rich do this too, but rich wraps long lines and both would be a
dependency for one line of text.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 2.0
INTERVAL = 0.1


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        self.started = time.monotonic()
        self.drawn = 0.0
        self.width = 0
        self.name = ""
        self.done = 0
        self.total: int | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage, with the number of items it will count (None: no count)."""
        self.name, self.done, self.total = name, 0, total
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def text(self) -> str:
        if self.total is None:
            return f"{self.name}…"
        return f"{self.name} {min(self.done, self.total)}/{self.total}"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (not force and now - self.drawn < INTERVAL):
            return
        self.drawn = now
        line = self.text()
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def clear(self) -> None:
        """Erase the line (before the summary or a problem is printed)."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
