"""How a problem is told to an editor: one line, naming the file (and line) where it is.

Every stage reports through ``Problem``: the source checks, Pelican's own
warnings (folded by ``one_line``) and the publishing steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def one_line(text: str) -> str:
    """Fold a multi-line log message into one line, with project paths made relative."""
    text = text.replace(str(PROJECT) + os.sep, "")
    return "; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """The path as an editor should read it: relative to the working folder when it is below it."""
    try:
        return path.resolve().relative_to((relative_to or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
