"""Which files under content/ Pelican will publish, and which it would silently skip.

Pelican reads a Markdown file only inside ARTICLE_PATHS (or PAGE_PATHS), with
any of its Markdown extensions, and no other text format here (pelicanconf.py
turns the reStructuredText and HTML readers off). A file saved one folder too
high, or with another extension, would simply never appear; the build reports
both instead.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from pelican.readers import MarkdownReader

from sitekit.core.problems import Problem

MARKDOWN_SUFFIXES = {f".{extension}" for extension in MarkdownReader.file_extensions}
# Text an editor may mean as an article, in a format this site does not read.
OTHER_TEXT_SUFFIXES = {".rst", ".html", ".htm", ".txt", ".text"}


def _ignored(path: Path, root: Path, settings: dict[str, Any]) -> bool:
    """As Pelican decides: a file or folder whose name matches IGNORE_FILES is skipped."""
    patterns = settings.get("IGNORE_FILES", [])
    return any(
        fnmatch.fnmatch(part, pattern)
        for part in path.relative_to(root).parts
        for pattern in patterns
    )


def _folders(settings: dict[str, Any], key: str) -> list[Path]:
    root = Path(settings["PATH"])
    return [root / folder for folder in settings.get(key) or []]


def _files(root: Path, settings: dict[str, Any]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not _ignored(p, root, settings))


def markdown_files(settings: dict[str, Any], kind: str = "ARTICLE") -> list[Path]:
    """Every Markdown file Pelican will read as an article (or, with kind="PAGE", as a page)."""
    root = Path(settings["PATH"])
    found = set()
    folders = _folders(settings, f"{kind}_PATHS")
    for folder in folders or ([root] if kind == "ARTICLE" else []):
        if folder.is_dir():
            found.update(p for p in _files(folder, settings) if p.suffix in MARKDOWN_SUFFIXES)
    return sorted(found)


def stray_files(settings: dict[str, Any], shown: str) -> list[Problem]:
    """Text files that would never be published because of where they are or what they are."""
    root = Path(settings["PATH"])
    articles = _folders(settings, "ARTICLE_PATHS") or [root]
    published = articles + _folders(settings, "PAGE_PATHS") + _folders(settings, "STATIC_PATHS")
    home = (articles[0].relative_to(root).as_posix() + "/") if articles[0] != root else ""
    problems = []
    for path in _files(root, settings) if root.is_dir() else []:
        name = f"{shown}/{path.relative_to(root).as_posix()}"
        inside = any(path.is_relative_to(folder) for folder in published)
        if path.suffix in MARKDOWN_SUFFIXES and not inside:
            problems.append(
                Problem(
                    name,
                    None,
                    f"this file is not inside {shown}/{home}, so it would never be published. "
                    f"Move it into {shown}/{home}.",
                )
            )
        elif path.suffix.lower() in OTHER_TEXT_SUFFIXES and any(
            path.is_relative_to(folder) for folder in articles
        ):
            problems.append(
                Problem(
                    name,
                    None,
                    f"'{path.suffix}' files are not read as articles, so this one would never be "
                    "published. Write it in Markdown and save it with the .md extension.",
                )
            )
    return problems
