"""The site's own Python: a small core, one folder a feature, and the runner.

- ``sitekit.core``: what every feature shares (the build state and options,
  problems, files, forked processes, the Markdown sources as files and fields);
  it imports no feature.
- One folder a feature, each holding its source checks (``check``), its Pelican
  plugin (``plugin`` or named modules whose ``register()`` only connects signals)
  and its publishing step on the written output (``publish``): ``markdown``,
  ``listings``, ``pages``, ``people``, ``images``, ``links``, ``search``,
  ``templating``, ``hosting``. A feature imports the core and itself only.
- ``sitekit.runner``: the build, which imports the features and lists the steps in order.
- ``sitekit.devtools``: tools for people (bench, scaffold, preview, browser),
  never imported by a build.

tests/test_layout.py keeps these import rules true; docs/architecture.md walks
through a build.
"""
