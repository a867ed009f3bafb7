"""Fingerprinted names for the theme's static files, so hosts can cache them for a year.

templating.assets plans the names before any page is rendered; ``rename`` gives
the copied files those names once Pelican is done.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

HASH_LENGTH = 10


def fingerprinted(name: str, data: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def static_files(settings: dict[str, Any]) -> dict[str, Path]:
    """Every file the theme's static folders hold, by its path below them."""
    files = {}
    for folder in settings["THEME_STATIC_PATHS"]:
        root = Path(settings["THEME"]) / folder
        files.update(
            {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
        )
    return files


def asset_map(settings: dict[str, Any], fingerprint: bool) -> dict[str, str]:
    """Name under theme/static -> URL path below SITEURL."""
    prefix = settings["THEME_STATIC_DIR"]
    return {
        name: f"{prefix}/{fingerprinted(name, path.read_bytes()) if fingerprint else name}"
        for name, path in static_files(settings).items()
    }


def rename(output: Path, settings: dict[str, Any], assets: dict[str, str]) -> None:
    """Give the copied static files the names the pages link."""
    prefix = settings["THEME_STATIC_DIR"]
    for name, url_path in assets.items():
        if url_path != f"{prefix}/{name}":
            (output / prefix / name).rename(output / url_path)
