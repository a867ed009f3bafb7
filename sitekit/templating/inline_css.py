"""Inline the theme's one stylesheet into every page.

A page plus its CSS then arrives in one round trip, with no render-blocking
request. The stylesheet is read and minified (by rcssmin, which leaves strings
and comments-in-strings alone) once per build, kept in ``BuildState.stylesheet``
and given to templates as the ``inline_css`` global, marked safe: it is our own
file, not content. hosting.headers allows it in the CSP by its hash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rcssmin
from markupsafe import Markup
from pelican import signals

from sitekit.core import state
from sitekit.core.state import Options


def minify(css: str) -> str:
    return rcssmin.cssmin(css).strip()


def read_stylesheet(settings: dict[str, Any], options: Options) -> str:
    """The theme's stylesheet, minified, exactly as it goes into every page."""
    return minify((Path(settings["THEME"]) / options.stylesheet).read_text("utf-8"))


def load(pelican: Any) -> None:
    # `initialized`: once per build, before any generator exists.
    build = state.of(pelican.settings)
    build.stylesheet = read_stylesheet(pelican.settings, build.options)


def add_global(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    generator.env.globals["inline_css"] = Markup(state.of(generator.settings).stylesheet)


def register() -> None:
    signals.initialized.connect(load)
    signals.generator_init.connect(add_global)
