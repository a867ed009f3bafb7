"""What content/ may hold and what a page may name: nothing outside content/ is ever read or
published, and only what a page needs is published.

Pelican follows a symbolic link wherever it points (a file's, or a whole folder's),
copies whatever the static folders (STATIC_PATHS) hold, and copies a file that
`{static}` or `{attach}` names even from outside content/, to a place outside the
output folder. So:

- `tree_problems`, from the folder listing alone, run before Pelican starts: no
  symbolic link anywhere below content/, nothing but plain files and folders, no
  control character in a name, no file over the `max_file_mib` option, and in the
  static folders only raster images, plus the suffixes the `downloads` option lists.
- `reference_problems`, in the sources check (before Pelican writes or copies
  anything): every path a Markdown source names (`{static}`, `{attach}`,
  `{filename}`, the `Image:` field, an image's address) stays inside content/, and
  a file that `{static}` or `{attach}` publishes is one the static folders could hold.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from sitekit.core.problems import UNSHOWABLE, Problem
from sitekit.core.sources import MARKDOWN_SUFFIXES, Entry, Source, within
from sitekit.core.state import Options

_REFERENCE = re.compile(r"[{|](?P<what>filename|static|attach)[}|](?P<value>[^\s)\"'<>]*)")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^)\s>]+)")
_HTML_IMAGE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?(?P<src>[^"'\s>]+)""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def _below(relative: str, folders: list[str]) -> bool:
    """Whether a /-separated path below content/ is one of `folders` (paths below content/,
    "" for content/ itself), or below one."""
    return any(
        not folder or relative == folder or relative.startswith(folder + "/") for folder in folders
    )


def _kinds(suffixes: set[str]) -> str:
    return ", ".join(sorted(suffixes))


def tree_problems(
    entries: list[Entry],
    settings: dict[str, Any],
    options: Options,
    shown: str,
    images: set[str],
) -> list[Problem]:
    """What is wrong with the entries below content/ (sitekit.core.sources.content_entries),
    each named as `shown`/its path; `images` are the raster suffixes the site publishes."""
    static = [posixpath.normpath(folder) for folder in settings.get("STATIC_PATHS") or []]
    static = ["" if folder == "." else folder for folder in static]
    publishable = images | set(options.downloads)
    limit = options.max_file_mib * 2**20
    refused: list[str] = []  # folders whose content is not looked at
    problems = []
    for entry in entries:
        if refused and _below(entry.relative, refused):
            continue
        name = f"{shown}/{entry.relative}"

        def refuse(message: str, name: str = name) -> None:
            problems.append(Problem(name, None, message))

        # (A folder comes before what it holds, which is then left alone.)
        if UNSHOWABLE.search(entry.relative):
            what = "folder" if entry.kind == "folder" else "file"
            refuse(
                f"the {what} name holds a control character or an invisible mark (shown here as "
                "\\n, \\t, \\x.. or \\u....), which has no place in an address. Rename it with letters, digits and dashes."
            )
            refused.append(entry.relative)
        elif entry.kind == "link":
            refuse(
                f"this is a symbolic link (to {os.readlink(entry.path)}). The build publishes "
                f"only what is inside {shown}/ and never follows a link: put the file or "
                "folder itself here instead."
            )
        elif entry.kind == "other":
            refuse(
                "this is not a plain file (a pipe, a socket or a device). Remove it: "
                f"{shown}/ holds files and folders only."
            )
        elif entry.kind == "file" and entry.size > limit:
            refuse(
                f"the file is {entry.size / 2**20:.1f} MiB, more than the limit of "
                f"{options.max_file_mib} MiB (the max_file_mib option in SITEKIT): hosts such as "
                "Cloudflare Pages refuse larger files. Make it smaller, or publish it elsewhere."
            )
        elif (
            entry.kind == "file"
            and _below(entry.relative, static)
            and (suffix := os.path.splitext(entry.relative)[1]).lower() not in publishable
            and suffix not in MARKDOWN_SUFFIXES  # Pelican reads those, not copies
        ):
            kind = f"'{suffix}' files" if suffix else "files with no suffix"
            refuse(
                f"{kind} are not published from here: this folder holds images only "
                f"({_kinds(publishable)}), since a page, a script or an SVG drawing here would "
                "run in readers' browsers as part of the site. Remove it; to offer files of "
                f"this kind for download, list '{suffix.lower() or '.x'}' in the "
                "downloads option in SITEKIT."
            )
    return problems


def _escapes(path: str) -> set[str]:
    """The ways Pelican may read the path of an address: as written, with %20 as a space,
    unquoted, and with HTML entities decoded."""
    return {path, path.replace("%20", " "), unquote(path), html.unescape(path)}


def reference_problems(
    source: Source,
    root: Path,
    shown: str,
    publishable: set[str],
) -> list[Problem]:
    """Every path `source` names stays inside content/ (`root`, shown as `shown`), and a file
    `{static}` or `{attach}` publishes has a suffix of `publishable`."""
    problems = []

    def outside(line: int | None, written: str, instead: str = "{static}/images/NAME") -> None:
        problems.append(
            Problem(
                source.shown,
                line,
                f"{written} points outside {shown}/, and the build reads and publishes only "
                f"what is inside it. Put the file in {shown}/images/ and write {instead}.",
            )
        )

    # The Image: field is a path below content/ even without {static}: it is checked below.
    lines = [(value, line) for key, (value, line) in source.fields.items() if key != "image"]
    lines += [(text, source.body_line + n) for n, text in enumerate(source.body.split("\n"))]
    for text, line in lines:
        for found in _REFERENCE.finditer(text):
            what, value = found.group("what"), found.group("value")
            path = urlparse(value).path
            if not path:
                continue
            base = root if path.startswith("/") else source.path.parent
            if not all(within(base / v.lstrip("/"), root) for v in _escapes(path)):
                outside(line, f"the link {{{what}}}{value}")
                continue
            target = base / path.lstrip("/")
            if (
                what != "filename"
                and target.is_file()
                and target.suffix not in MARKDOWN_SUFFIXES  # Pelican never copies a source
                and target.suffix.lower() not in publishable
            ):
                problems.append(
                    Problem(
                        source.shown,
                        line,
                        f"the link {{{what}}}{value} would publish a '{target.suffix}' file, and "
                        f"only images and downloads are published ({_kinds(publishable)}). "
                        "Link to a page instead, or list the suffix in the downloads option "
                        "in SITEKIT.",
                    )
                )
        for found in [*_MARKDOWN_IMAGE.finditer(text), *_HTML_IMAGE.finditer(text)]:
            src = found.group("src")
            if src.startswith(("{", "|", "#")) or _SCHEME.match(src):
                continue
            path = urlparse(src).path
            base = root if path.startswith("/") else source.path.parent
            if path and not all(within(base / v.lstrip("/"), root) for v in _escapes(path)):
                outside(line, f"the image {src}")
    if named := source.value("image"):
        path = named.split("}", 1)[-1].lstrip("/")
        if not all(within(root / variant.lstrip("/"), root) for variant in _escapes(path)):
            outside(source.line_of("image"), f"'Image: {named}'", "'Image: images/NAME'")
    return problems
