"""Stage 2: our Pelican plugins, one job each. ``register()`` only connects signals.

pelicanconf.py lists them in PLUGINS; docs/architecture.md shows when each
runs and what it reads and writes. Their options live in sitekit.state.Options.
"""
