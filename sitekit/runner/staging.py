"""Build into a staging folder beside the output, and swap it in only when all went well.

Pelican writes file by file and can empty the output first
(DELETE_OUTPUT_DIRECTORY); a failed or interrupted build must leave the
previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from sitekit.core import forks


def new_staging_folder(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.staging-"))


def remove_leftovers(output: Path) -> None:
    """Staging folders and retired outputs of builds that were killed before they could clean up."""
    for pattern in (f".{output.name}.staging-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` with `staging`: two renames, the old copy removed last.

    The standard library has no atomic exchange of two folders; an interrupt
    between the renames leaves the old output under a `.old-` name, which the
    next build removes.
    """
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-"))
        retired.rmdir()
        output.rename(retired)
    staging.rename(output)
    if retired is not None:
        delete_later(retired)


def delete_later(folder: Path) -> None:
    """Delete the retired output without waiting: the new one is already in place.

    If the deletion is cut short, the next build removes what is left.
    """
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


# Where Pelican's generators keep what they will write, in the order they write it
# (ArticlesGenerator.generate_pages, then PagesGenerator.generate_output).
_WRITTEN_IN_ORDER = (
    "translations",
    "articles",
    "hidden_translations",
    "hidden_articles",
    "tags",
    "categories",
    "authors",
    "drafts_translations",
    "drafts",
    "pages",
    "hidden_pages",
    "draft_pages",
)


def planned_pages(generators: Iterable[Any]) -> list[str]:
    """The pages Pelican's generators will write that are known before it writes, in the
    order it writes them: each article's and page's own, and the first of each tag,
    category and author."""
    pages = []
    for generator in generators:
        for group in _WRITTEN_IN_ORDER:
            for item in getattr(generator, group, []):
                # tags is a dict of tag -> articles; categories and authors, pairs.
                pages.append((item[0] if isinstance(item, tuple) else item).save_as)
    return [name for name in pages if name]


class Folders:
    """Page folders made in forked processes ahead of Pelican, whose makedirs then finds
    them there: on a busy disk, making 1,600 folders takes a few tenths of a second, on
    the one core Pelican writes with.

    First the last output's page folders (given when it is made), made while Pelican
    reads; then, once every generator has read (`all_generators_finalized`), those of the
    pages it is about to write that the last output did not have (`add`): on a cold build,
    all of them.
    """

    def __init__(self, staging: Path, folders: list[str]) -> None:
        self.staging = staging
        self.made: list[str] = []
        self.forked: list[forks.Forked] = []
        self._make(folders)

    def add(self, generators: Iterable[Any]) -> None:
        # In Pelican's order: the process stays ahead of it, which then finds each folder
        # made (made from the other end, both would make half and wait on each other).
        known = set(self.made)
        self._make([f for f in page_folders(planned_pages(generators)) if f not in known])

    def _make(self, folders: list[str]) -> None:
        if folders:
            self.made += folders
            self.forked.append(forks.start(partial(make_folders, self.staging, folders)))

    def stop(self) -> None:
        """Done long before Pelican's writing ends, whose makedirs would make the rest."""
        for forked in self.forked:
            forked.stop()

    def prune(self, pages: Iterable[str]) -> None:
        prune_folders(self.staging, self.made, pages)


def page_folders(pages: Iterable[str]) -> list[str]:
    """The folders that hold these pages (below the output), each once, in the pages'
    order. A page outside the output is Pelican's to refuse (sanitised_join): no folder."""
    parents = (PurePosixPath(name).parent for name in pages)
    inside = (p.as_posix() for p in parents if not p.is_absolute() and ".." not in p.parts)
    return [folder for folder in dict.fromkeys(inside) if folder != "."]


def make_folders(staging: Path, folders: list[str]) -> int:
    """Make these page folders in the staging folder (run forked: `Folders`)."""
    for folder in folders:
        os.makedirs(staging / folder, exist_ok=True)
    return len(folders)


def prune_folders(staging: Path, made: list[str], pages: Iterable[str]) -> None:
    """Remove the folders `make_folders` made that no page of this build is in, if empty,
    and the parents that leaves empty."""
    used = {str(parent) for name in pages for parent in PurePosixPath(name).parents}
    for folder in sorted(set(made) - used, key=lambda f: f.count("/"), reverse=True):
        for empty in (PurePosixPath(folder), *PurePosixPath(folder).parents[:-1]):
            if str(empty) in used:
                break
            try:
                (staging / empty).rmdir()
            except OSError:  # something else was written there, or is still below
                break
