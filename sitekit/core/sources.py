"""The Markdown sources: which files under content/ Pelican will publish (and which it would
silently skip), and each one read as its fields and its body (`Source`), which every
feature's checks share. Also what is below content/ at all (`content_entries`), walked
without following a symbolic link, and whether a path stays inside content/ (`within`).

Pelican reads a Markdown file only inside ARTICLE_PATHS (or PAGE_PATHS), with
any of its Markdown extensions, and no other text format here (pelicanconf.py
turns the reStructuredText and HTML readers off). A file saved one folder too
high, or with another extension, would simply never appear; the build reports
both instead.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from markdown.extensions.meta import META_MORE_RE, META_RE
from pelican.readers import MarkdownReader

from sitekit.core.problems import Problem

MARKDOWN_SUFFIXES = {f".{extension}" for extension in MarkdownReader.file_extensions}
# Text an editor may mean as an article, in a format this site does not read.
OTHER_TEXT_SUFFIXES = {".rst", ".html", ".htm", ".txt", ".text"}


def _folders(settings: dict[str, Any], key: str) -> list[Path]:
    root = Path(settings["PATH"])
    return [root / folder for folder in settings.get(key) or []]


class Entry(NamedTuple):
    """One entry below content/, as its folder lists it (a link is not followed)."""

    path: str  # as os.path writes it: strings, not Paths, keep a walk of 1,000 files quick
    relative: str  # below the folder walked, /-separated
    kind: str  # "file", "folder", "link" (a symbolic link) or "other" (a pipe, a device...)
    size: int


def content_entries(root: Path, settings: dict[str, Any]) -> list[Entry]:
    """Every entry below `root` that Pelican would see (IGNORE_FILES skipped), sorted.

    A symbolic link is listed as one, never followed: a folder link is not
    walked into, so nothing outside content/ is listed (or read) through one.
    """
    patterns = settings.get("IGNORE_FILES") or []
    ignored = re.compile("|".join(map(fnmatch.translate, patterns))) if patterns else None
    entries = []
    folders = [(str(root), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as listing:
            for found in listing:
                if ignored and ignored.match(found.name):
                    continue
                info = found.stat(follow_symlinks=False)
                relative = prefix + found.name
                if stat.S_ISLNK(info.st_mode):
                    kind = "link"
                elif stat.S_ISDIR(info.st_mode):
                    kind = "folder"
                    folders.append((found.path, relative + "/"))
                else:
                    kind = "file" if stat.S_ISREG(info.st_mode) else "other"
                entries.append(Entry(found.path, relative, kind, info.st_size))
    return sorted(entries, key=lambda entry: entry.relative.split("/"))


def within(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, with `..` and any symbolic link resolved, is `root` or below it."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(os.path.join(top, ""))


def _files(root: Path, settings: dict[str, Any]) -> list[Path]:
    return [Path(e.path) for e in content_entries(root, settings) if e.kind == "file"]


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


@dataclass
class Source:
    path: Path
    shown: str
    fields: dict[str, tuple[str, int]]  # lowercased key -> (value, line number)
    keys: dict[str, str]  # lowercased key -> the key as written
    body: str
    body_line: int
    # "YAML" or "TOML" when the file starts with another generator's front matter (`---` or
    # `+++` lines around the fields), which is not read as fields (sitekit.markdown.syntax).
    front_matter: str | None = None
    # lowercased key -> its lines, a further (indented) line each, as the meta extension
    # gives them to the reader; `fields` joins them with spaces.
    lines: dict[str, list[str]] = field(default_factory=dict)

    def value(self, key: str) -> str:
        return self.fields.get(key, ("", 0))[0]

    def markdown(self, key: str) -> str:
        """The field as the reader converts it (a formatted field, such as the Summary):
        its lines joined by newlines, so that a further line can start a Markdown block."""
        return "\n".join(self.lines.get(key, []))

    def line_of(self, key: str) -> int | None:
        return self.fields[key][1] if key in self.fields else None

    @property
    def draft(self) -> bool:
        return self.value("status").lower() == "draft"


# Another generator's fields (Hugo, Jekyll, Eleventy...), between two of these lines.
FRONT_MATTER = {"---": "YAML", "+++": "TOML"}
_YAML_KEY = re.compile(r"[A-Za-z_][\w-]*\s*:")
_TOML_KEY = re.compile(r"[A-Za-z_][\w-]*\s*=")


def front_matter(lines: list[str]) -> str | None:
    """The language of the front matter the text starts with (YAML or TOML), if it does: a
    `---` (or `+++`) line, a field, and a closing line (`...` also closes YAML)."""
    language = FRONT_MATTER.get(lines[0].rstrip()) if lines else None
    if language is None or len(lines) < 3:
        return None
    key = _YAML_KEY if language == "YAML" else _TOML_KEY
    closing = {"---", "..."} if language == "YAML" else {"+++"}
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in closing:
            return language if any(key.match(field) for field in lines[1:number]) else None
    return None


def parse(path: Path, text: str, shown: str) -> Source:
    """Split a Markdown file into its metadata fields and its body, as the meta extension does.

    Its lines end as Pelican reads them (Python's universal newlines): a lone carriage
    return ends one too, so no field's line can hide the start of the text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text_lines = text.split("\n")
    if language := front_matter(text_lines):
        return Source(path, shown, {}, {}, text, 1, language)
    fields: dict[str, tuple[str, int]] = {}
    lines: dict[str, list[str]] = {}
    keys: dict[str, str] = {}
    key = None
    number = 0
    for number, line in enumerate(text_lines, start=1):
        if match := META_RE.match(line):
            key = match.group("key").strip().lower()
            keys[key] = match.group("key").strip()
            fields[key] = (match.group("value").strip(), number)
            lines[key] = [match.group("value").strip()]
        elif key and (match := META_MORE_RE.match(line)):
            value, first = fields[key]
            fields[key] = (f"{value} {match.group('value').strip()}", first)
            lines[key].append(match.group("value").strip())
        else:
            break
    else:
        number += 1
    body = "\n".join(text_lines[number - 1 :])
    return Source(path, shown, fields, keys, body, number, lines=lines)


def read_source(path: Path, shown: str) -> Source | Problem:
    data = path.read_bytes()
    if not data.strip():
        return Problem(
            shown,
            None,
            "the file is empty. Add the fields (Title, Date, Category, Summary) and the article's text, or delete the file.",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Problem(
            shown,
            line,
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}). Save it with UTF-8 encoding in your editor.",
        )
    return parse(path, text.removeprefix("\ufeff"), shown)
