"""How a problem is told to an editor: one line, naming the file (and line) where it is.

Every stage reports through ``Problem``: the source checks, Pelican's own
warnings (folded by ``one_line``) and the publishing steps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# What would break a problem's line or the terminal showing it: control characters
# (newline, tab, escape...), Unicode's line and paragraph separators, the lone
# surrogates that stand for bytes of a file name that are not UTF-8, and the invisible
# marks that reorder or hide text (bidirectional overrides and isolates, zero-width
# characters), with which a name could show as another ("Trojan Source").
UNSHOWABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def showable(text: str) -> str:
    """`text` with every unshowable character written as Python writes it in a string
    (a newline as \\n), so that a file name can never split or garble its line."""
    return UNSHOWABLE.sub(lambda found: repr(found.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return showable(f"{where}: {self.message}")


def claimed_by_many(places: list[tuple[str, int | None]], says: Callable[[str], str]) -> Problem:
    """One problem for what several places claim: named at the first place, and `says` given
    the others ("b.md and c.md")."""
    (first, line), *rest = places
    return Problem(first, line, says(" and ".join(shown for shown, _line in rest)))


def one_line(text: str) -> str:
    """Fold a multi-line log message into one line, with project paths made relative."""
    text = text.replace(str(PROJECT) + os.sep, "")
    return showable("; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip()))


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """The path as an editor should read it: relative to the working folder when it is below it."""
    try:
        return path.resolve().relative_to((relative_to or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
