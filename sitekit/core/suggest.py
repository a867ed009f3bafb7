"""A suggestion ("did you mean ...?") for a path to a file that does not exist below content/.

Used by the checks that tell an editor a link or an image names no file: a
misspelt name (`back-masage.jpg`), a name in the wrong case (`Back.JPG`, which
a Mac finds and the web server does not), a misspelt folder, or a path read
from the wrong folder (`images/x.jpg` in content/articles/, where
`/images/x.jpg` was meant).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

# How alike two names must be (difflib's ratio) to be offered: `back-masage.jpg` and
# `back-massage.jpg` score 0.97, `photo.jpg` and `photo.png` 0.89, `neck.jpg` and
# `back.jpg` 0.63.
CUTOFF = 0.75


def _closest(name: str, folder: Path, folders_only: bool) -> str | None:
    try:
        entries = [
            entry.name
            for entry in os.scandir(folder)
            if not entry.name.startswith(".")
            and (entry.is_dir() if folders_only else entry.is_file())
        ]
    except OSError:
        return None
    same_but_case = [entry for entry in entries if entry.lower() == name.lower()]
    if same_but_case:
        return same_but_case[0]
    found = difflib.get_close_matches(name, entries, n=1, cutoff=CUTOFF)
    return found[0] if found else None


def nearest_file(path: Path, root: Path) -> Path | None:
    """The existing file below `root` nearest to `path` (which does not exist): each part
    of it that is missing replaced by the closest name in its folder; None when a part
    has none close enough, or `path` is not below `root`."""
    path, root = Path(os.path.normpath(path)), Path(os.path.normpath(root))
    if not path.is_relative_to(root) or path == root:
        return None
    parts = path.relative_to(root).parts
    current = root
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        if (current / part).is_file() if last else (current / part).is_dir():
            current = current / part
            continue
        found = _closest(part, current, folders_only=not last)
        if found is None:
            return None
        current = current / found
    return None if current == path else current


def did_you_mean(path: str, base: Path, root: Path) -> str | None:
    """The path to write instead of `path`, which names no file, written in the same form:
    from `root` when it starts with "/", else from `base` (the article's folder). A relative
    path that names a file from `root` gets that file's "/" path. None when no file is near."""
    from_root = Path(os.path.normpath(root / path.lstrip("/")))
    if not path.startswith("/") and from_root.is_relative_to(root) and from_root.is_file():
        return "/" + from_root.relative_to(os.path.normpath(root)).as_posix()
    found = nearest_file(from_root if path.startswith("/") else base / path, root)
    if found is None:
        return None
    if path.startswith("/"):
        return "/" + found.relative_to(os.path.normpath(root)).as_posix()
    return Path(os.path.relpath(found, base)).as_posix()
