"""A digest of everything besides the content that shapes what a build writes.

Pelican's content cache and our other caches (compiled templates, the link
check's and the search index's records) must never serve what other code or
settings made. They all live in a folder named by this digest:

- the source of every module of the ``sitekit`` package and of every plugin
  module the build loaded (a filter, a reader or a writer can change a page);
- every file of the theme (templates, the stylesheet, static files);
- the settings, as plain values;
- the Python version and the version of every installed distribution;
- the data files the runner names (content/authors.toml).

It is deliberately coarse: any change to our code starts from empty caches
once, which is cheap, where a missed dependency would serve stale results.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sitekit

# Settings that name places on this machine, not what a page shows.
VOLATILE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PATH", "SITEKIT_STATE"}


def plain(value: Any) -> Any:
    """A JSON-able, order-stable stand-in for a setting's value."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted(repr(v) for v in value)
    return f"<{type(value).__name__}>"


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def code_files(plugin_modules: Iterable[Any] = ()) -> list[Path]:
    """Our package's Python files, plus those of the given plugin modules."""
    files = set(_files(Path(sitekit.__file__).parent, "*.py"))
    for module in plugin_modules:
        if getattr(module, "__file__", None):
            files.add(Path(module.__file__))
    return sorted(files)


def versions() -> list[str]:
    """Python's version and every installed package's, as the folders installers leave name
    them (Jinja2-3.1.4.dist-info): 0.3 ms, where importlib.metadata reads each package's
    METADATA in 50 ms, every build."""
    installed = {
        entry.name
        for folder in sys.path
        if os.path.isdir(folder)
        for entry in os.scandir(folder)
        if entry.name.endswith((".dist-info", ".egg-info"))
    }
    return [sys.version, *sorted(installed)]


def digest(
    settings: dict[str, Any], plugin_modules: Iterable[Any] = (), data_files: Iterable[Path] = ()
) -> str:
    """The digest of code, theme, settings and versions for one build, and of the
    `data_files`: content that is not an article or a page, but shows on them."""
    sha = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        sha.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    package = Path(sitekit.__file__).parent.parent
    for path in code_files(plugin_modules):
        label = path.relative_to(package).as_posix() if path.is_relative_to(package) else path.name
        add(f"code:{label}", path.read_bytes())
    theme = Path(settings["THEME"])
    for path in _files(theme, "*"):
        add(f"theme:{path.relative_to(theme).as_posix()}", path.read_bytes())
    stable = {
        k: plain(v) for k, v in settings.items() if k.isupper() and k not in VOLATILE_SETTINGS
    }
    add("settings", json.dumps(stable, sort_keys=True).encode())
    add("versions", "\n".join(versions()).encode())
    for path in data_files:
        if path.is_file():
            add(f"data:{path.name}", path.read_bytes())
    return sha.hexdigest()
