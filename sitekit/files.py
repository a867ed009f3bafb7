"""File helpers shared by the stages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: Path, target: Path) -> None:
    """Give `target` the bytes of `source`: a hard link, or a copy where links are not possible.

    Used to carry unchanged files from the last output into the new one. The
    old folder is deleted after the swap; the link keeps the bytes. Nothing may
    write into a linked file afterwards: every step writes new files.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def files_below(folder: Path) -> set[str]:
    """Every file below `folder`, as /-separated paths relative to it.

    os.walk rather than Path.rglob: a third of the time on 3,000 files.
    """
    files = set()
    for parent, _, names in os.walk(folder):
        relative = os.path.relpath(parent, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        files.update(prefix + name for name in names)
    return files


def link_tree(source: Path, target: Path, leave_out: frozenset[str] = frozenset()) -> None:
    """Give `target` every file below `source` (link_or_copy), but the top-level `leave_out` names."""
    for parent, folders, names in os.walk(source):
        here = Path(parent)
        if here == source:
            folders[:] = [f for f in folders if f not in leave_out]
            names = [n for n in names if n not in leave_out]
        into = target / here.relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(here / name, into / name)
