"""Refuse a setting nothing reads: `SITENAM = ...` would otherwise be ignored in silence.

A setting is known when Pelican defines a default for it, when Pelican's code,
our own code or a listed plugin's code names it, when the theme's templates use it, when it
is the URL or save-as setting of a listed template, or when it is ours
(``SITEKIT``). The lists are read from the code and templates themselves, so
they cannot go stale.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

import pelican
from pelican.settings import DEFAULT_CONFIG

from sitekit.core.state import OPTIONS_KEY, STATE_KEY

_NAME_IN_CODE = re.compile(r"""["']([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)["']""")
_NAME_IN_TEMPLATE = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}[A-Z0-9]*)\b")


@cache
def _names_in_code(folder_or_file: Path) -> frozenset[str]:
    files = sorted(folder_or_file.rglob("*.py")) if folder_or_file.is_dir() else [folder_or_file]
    return frozenset(
        name for path in files for name in _NAME_IN_CODE.findall(path.read_text("utf-8"))
    )


def _plugin_source(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def known_settings(settings: dict[str, Any]) -> set[str]:
    names = set(DEFAULT_CONFIG) | {OPTIONS_KEY, STATE_KEY}
    names |= _names_in_code(Path(pelican.__file__).parent)
    # Our own code besides the plugins reads settings too (the sources check, sitekit.people.model).
    names |= _names_in_code(Path(__file__).resolve().parents[1])
    for plugin in settings.get("PLUGINS") or []:
        if isinstance(plugin, str) and (source := _plugin_source(plugin)):
            names |= _names_in_code(source)
    templates = Path(settings["THEME"]) / "templates"
    for template in sorted(templates.rglob("*.html")) if templates.is_dir() else []:
        names |= set(_NAME_IN_TEMPLATE.findall(template.read_text("utf-8")))
    for template in [
        *settings.get("DIRECT_TEMPLATES", []),
        *settings.get("PAGINATED_TEMPLATES", {}),
    ]:
        names |= {f"{template.upper()}_SAVE_AS", f"{template.upper()}_URL"}
    return names


def where_set(name: str, settings_file: Path) -> tuple[str, int | None]:
    """The settings file (this one, or one beside it that it imports) and line that set `name`."""
    assignment = re.compile(rf"^{re.escape(name)}\s*[:=]", re.MULTILINE)
    for path in [settings_file, *sorted(settings_file.parent.glob("*.py"))]:
        try:
            text = path.read_text("utf-8")
        except OSError:
            continue
        if match := assignment.search(text):
            return path.name, text.count("\n", 0, match.start()) + 1
    return settings_file.name, None


def unknown_settings(defined: set[str], settings: dict[str, Any], settings_file: Path) -> list[str]:
    """One line per setting that nothing reads, naming the closest known one."""
    known = known_settings(settings)
    lines = []
    for name in sorted(defined - known):
        file, line = where_set(name, settings_file)
        guess = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {guess[0]}?" if guess else "; nothing reads it. Remove it."
        lines.append(f"{file}{f':{line}' if line else ''}: unknown setting {name}{hint}")
    return lines
