"""Read the settings for one build and refuse the ones that cannot work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitekit.core import addresses
from sitekit.core.state import Options, OptionsError
from sitekit.runner.known_settings import unknown_settings, where_set

PROJECT = Path(__file__).resolve().parents[2]
LOCAL_SETTINGS = PROJECT / "pelicanconf.py"
PRODUCTION_SETTINGS = PROJECT / "publishconf.py"


class SettingsError(Exception):
    """The build cannot start: the settings or paths are wrong."""


def check_site_url(site_url: str) -> None:
    """A production address must be absolute https://, or every link in the output is wrong."""
    parts = urlsplit(site_url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        shown = f"'{site_url}'" if site_url else "not set"
        raise SettingsError(
            f"SITEURL is {shown}: a production build needs the site's absolute https:// address, "
            "for example SITEURL=https://example.org invoke build --production"
        )


def check_output_path(output: Path, settings: dict[str, Any], settings_file: Path) -> None:
    """Refuse an output folder that would overwrite or swallow the sources."""
    output = output.resolve()
    protected = {
        "the project folder": settings_file.resolve().parent,
        "the content folder": Path(settings["PATH"]).resolve(),
        "the theme folder": Path(settings["THEME"]).resolve(),
    }
    for name, path in protected.items():
        if output == path or path.is_relative_to(output):
            raise SettingsError(
                f"refusing to build into {output}: it is {name} or contains it. "
                "Choose a separate output folder."
            )
        if name != "the project folder" and output.is_relative_to(path):
            raise SettingsError(
                f"refusing to build into {output}: it is inside {name}. "
                "Choose a separate output folder."
            )


def forget_settings_modules() -> None:
    """Drop settings modules imported by an earlier build in this process.

    publishconf.py imports pelicanconf.py; Python would hand a second build the
    first one's module, with its old values, or one from another folder.
    """
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if "." not in name and file.endswith("conf.py"):
            del sys.modules[name]


def load_settings(
    settings_file: Path, output: Path | None = None, content: Path | None = None
) -> tuple[dict[str, Any], Options]:
    """Pelican's settings from the file, with our options checked."""
    from pelican.settings import get_settings_from_file, read_settings

    settings_file = Path(settings_file)
    if not settings_file.is_file():
        raise SettingsError(f"settings file not found: {settings_file}")
    forget_settings_modules()
    override = {"PATH": str(content.resolve())} if content is not None else {}
    try:
        settings = read_settings(str(settings_file), override=override)
        defined = set(get_settings_from_file(str(settings_file)))
    except ValueError as error:  # Pelican's own check, for example a missing content folder
        raise SettingsError(f"{settings_file.name}: {error}") from None
    if unknown := unknown_settings(defined, settings, settings_file):
        raise SettingsError("\n".join(unknown))
    # An article in another language keeps the address pattern of the others.
    addresses.follow_site_language(settings, defined)
    if settings.get("RELATIVE_URLS"):
        # The theme's macros read SITEURL as a Jinja global (templating.helpers),
        # which is one address for every page, not one relative to each.
        file, line = where_set("RELATIVE_URLS", settings_file)
        raise SettingsError(
            f"{file}{f':{line}' if line else ''}: RELATIVE_URLS = True is not supported: "
            "every page links from the site's root. Set it to False."
        )
    try:
        options = Options.from_settings(settings)
    except OptionsError as error:
        raise SettingsError(f"{settings_file.name}: {error}") from None
    if options.require_https_siteurl:
        check_site_url(settings["SITEURL"])
    if output is not None:
        settings["OUTPUT_PATH"] = str(output.resolve())
    return settings, options
