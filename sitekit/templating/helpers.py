"""Template helpers for search-engine and social metadata.

- the ``json_ld`` filter turns a dict into the body of a JSON-LD script block.
  It escapes ``<``, ``>`` and ``&`` as JSON unicode escapes, so no title or
  summary can close the block early (``</script>``) or start markup inside it;
- the ``url_path`` filter turns the file a page is written to into its address
  below SITEURL (``tag/x/index.html`` is ``tag/x/``);
- ``SITEURL`` and ``SEARCH_URL`` are globals too, so that macros need no context;
- ``HEALTH_SITE``: the ``health_site`` option (articles are schema.org MedicalWebPages).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from pelican import signals

from sitekit.core import state

_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_without_none(v) for v in value]
    return value


def json_ld(data: dict[str, Any]) -> Markup:
    """The block's text; a field whose value is None is left out, at any depth."""
    data = _without_none(data)
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escape in _UNSAFE_IN_SCRIPT.items():
        text = text.replace(char, escape)
    return Markup(text)  # safe: every character that could end the block is escaped


def url_path(output_file: str) -> str:
    """The address below SITEURL of the page written to `output_file`."""
    return output_file.removesuffix("index.html")


def add_helpers(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    settings = generator.settings
    generator.env.filters["json_ld"] = json_ld
    generator.env.filters["url_path"] = url_path
    # The site's address and its search page as globals, which templates imported
    # without context see: a macro module is then made once, not on every page that
    # imports it (a tenth of the rendering time). RELATIVE_URLS, which would give each
    # page a SITEURL of its own, is refused (runner.settings).
    for name in ("SITEURL", "SEARCH_URL"):
        generator.env.globals[name] = settings.get(name, "")
    generator.env.globals["HEALTH_SITE"] = state.of(settings).options.health_site


def register() -> None:
    signals.generator_init.connect(add_helpers)
