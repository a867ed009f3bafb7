"""File helpers shared by the stages."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

# The compressed twins of a text file (hosting.precompress), which other steps leave alone.
TWIN_SUFFIXES = (".gz", ".br")


def written_name(path: str, output_path: str) -> str:
    """The name below the output folder of a file Pelican wrote (`content_written` gives
    `path` as abspath(OUTPUT_PATH + name)): what follows the folder, where resolve() would
    cost a realpath a page, and relpath two abspaths."""
    folder = os.path.join(os.path.abspath(output_path), "")
    name = path.removeprefix(folder) if path.startswith(folder) else os.path.relpath(path, folder)
    return name.replace(os.sep, "/")


def link_or_copy(source: Path, target: Path) -> None:
    """Give `target` the bytes of `source`: a hard link, or a copy where links are not possible.

    Used to carry unchanged files from the last output into the new one. The
    old folder is deleted after the swap; the link keeps the bytes. A file
    already at `target` is replaced, never written into: it may be a link to
    the last output, which must stay as it is until the swap.
    """
    try:
        os.link(source, target)
    except FileExistsError:
        target.unlink()
        link_or_copy(source, target)
    except OSError:
        replace_with(source.read_bytes(), target)


def replace_with(data: bytes, target: Path) -> None:
    """Write `data` to a new file and rename it over `target` (never into a linked file)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.replace(target)


def files_below(folder: Path) -> set[str]:
    """Every file below `folder`, as /-separated paths relative to it.

    os.walk rather than Path.rglob: a third of the time on 3,000 files; and each
    folder's path cut from the one os.walk joins, not worked out by relpath.
    """
    root = os.path.join(folder, "")
    files = set()
    for parent, _, names in os.walk(root):
        relative = parent[len(root) :]
        prefix = relative.replace(os.sep, "/") + "/" if relative else ""
        files.update(prefix + name for name in names)
    return files


def link_tree(source: Path, target: Path, leave_out: Callable[[str], bool]) -> None:
    """Give `target` every file below `source` (link_or_copy) but those whose path
    relative to `source` `leave_out` names."""
    for parent, folders, names in os.walk(source):
        here = Path(parent)
        relative = here.relative_to(source)
        folders[:] = [f for f in folders if not leave_out((relative / f).as_posix())]
        into = target / relative
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            if not leave_out((relative / name).as_posix()):
                link_or_copy(here / name, into / name)
