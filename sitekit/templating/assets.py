"""Link the theme's static files by URLs that can be cached for a year.

Templates call ``asset_url("favicon.svg")``. With the ``fingerprint_assets``
option (production), the URL carries a hash of the file's bytes, such as
``theme/favicon.3f2a9c1b0d.svg``, and templating.fingerprints renames the copied
file to match after Pelican is done.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from sitekit.core import state
from sitekit.templating.fingerprints import asset_map


def plan(pelican: Any) -> None:
    # `initialized`: before any page is rendered, so every page links the final names.
    build = state.of(pelican.settings)
    build.assets = asset_map(pelican.settings, fingerprint=build.options.fingerprint_assets)


def add_global(generator: Any) -> None:
    # `generator_init`: each generator has its own Jinja environment.
    assets = state.of(generator.settings).assets
    generator.env.globals["asset_url"] = assets.__getitem__


def register() -> None:
    signals.initialized.connect(plan)
    signals.generator_init.connect(add_global)
