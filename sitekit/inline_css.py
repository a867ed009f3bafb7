"""Inline the theme's one stylesheet into every page.

A page plus its CSS then arrives in one round trip, with no render-blocking
request. The stylesheet is read once per build and exposed to templates as
``INLINE_CSS`` (marked safe: it is our own file, not content). sitekit.headers
allows it in the Content-Security-Policy by its hash.
"""

import base64
import hashlib
import re
from pathlib import Path

from markupsafe import Markup
from pelican import signals

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACE = re.compile(r"\s+")
_AROUND_PUNCTUATION = re.compile(r"\s*([{};,>])\s*")
# Only after a colon: a space before one can be a descendant combinator.
_AFTER_COLON = re.compile(r":\s+")


def minify(css: str) -> str:
    """Drop comments and needless white space. Enough for a hand-written sheet."""
    css = _COMMENT.sub("", css)
    css = _SPACE.sub(" ", css)
    css = _AROUND_PUNCTUATION.sub(r"\1", css)
    css = _AFTER_COLON.sub(":", css)
    return css.replace(";}", "}").strip()


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _read(settings: dict) -> str:
    return minify((Path(settings["THEME"]) / settings["THEME_INLINE_CSS"]).read_text("utf-8"))


def stylesheet(settings: dict) -> str:
    """The theme's stylesheet, minified, exactly as it goes into every page.

    Within a build, the copy `load` made; outside one (invoke deploy-config), read now.
    """
    return str(settings["INLINE_CSS"]) if "INLINE_CSS" in settings else _read(settings)


def load(pelican) -> None:
    # `initialized` runs before the generators copy the settings into their
    # context, so every template sees the value set here.
    pelican.settings["INLINE_CSS"] = Markup(_read(pelican.settings))


def register():
    signals.initialized.connect(load)
