"""Template helpers for search-engine and social metadata.

``json_ld`` turns a dict into the body of a JSON-LD script block. It escapes
``<``, ``>`` and ``&`` as JSON unicode escapes, so no title or summary can
close the block early (``</script>``) or start markup inside it.
"""

import json

from markupsafe import Markup
from pelican import signals

from sitekit.headers import content_security_policy

_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def json_ld(data: dict) -> Markup:
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escape in _UNSAFE_IN_SCRIPT.items():
        text = text.replace(char, escape)
    return Markup(text)  # safe: every character that could end the block is escaped


def add_helpers(generator) -> None:
    settings = generator.settings
    generator.env.filters["json_ld"] = json_ld
    if settings.get("CSP_META"):
        generator.env.globals["csp_meta_policy"] = lambda scripts=(): content_security_policy(
            settings, for_meta=True, scripts=scripts
        )


def register():
    signals.generator_init.connect(add_helpers)
