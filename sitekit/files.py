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
