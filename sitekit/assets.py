"""Fingerprint the theme's static files so hosts can cache them for a year.

Templates link assets through ``ASSETS``, a map from a file's name under
``theme/static/`` to its URL path. With ASSET_FINGERPRINTS on (production),
that path carries a hash of the file's bytes, e.g. ``theme/favicon.3f2a9c1b0d.svg``,
and sitekit.production renames the copied file to match once Pelican is done.
"""

import hashlib
from pathlib import Path, PurePosixPath

from pelican import signals

HASH_LENGTH = 10


def fingerprinted(name: str, data: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def static_files(settings: dict) -> dict[str, Path]:
    """Every file the theme's static folders hold, by its path below them."""
    files = {}
    for folder in settings["THEME_STATIC_PATHS"]:
        root = Path(settings["THEME"]) / folder
        files.update(
            {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
        )
    return files


def asset_map(settings: dict) -> dict[str, str]:
    """Name under theme/static -> URL path below SITEURL."""
    prefix = settings["THEME_STATIC_DIR"]
    fingerprint = settings.get("ASSET_FINGERPRINTS", False)
    return {
        name: f"{prefix}/{fingerprinted(name, path.read_bytes()) if fingerprint else name}"
        for name, path in static_files(settings).items()
    }


def plan(pelican) -> None:
    # Before the generators copy the settings into the template context.
    pelican.settings["ASSETS"] = asset_map(pelican.settings)


def rename_in_output(output: Path, settings: dict) -> None:
    """Give the copied static files their fingerprinted names."""
    prefix = settings["THEME_STATIC_DIR"]
    for name, url_path in settings["ASSETS"].items():
        if url_path != f"{prefix}/{name}":
            (output / prefix / name).rename(output / url_path)


def register():
    signals.initialized.connect(plan)
