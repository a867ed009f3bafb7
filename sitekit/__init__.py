"""The site's own Python, grouped by the stage of the pipeline it serves.

- ``sitekit.sources``: stage 1, check the Markdown sources before Pelican runs;
- ``sitekit.plugins``: stage 2, our Pelican plugins, one job each;
- ``sitekit.runner``: stage 3, the runner that drives Pelican, the checks and the swap;
- ``sitekit.runner.steps``: stage 4, the steps that finish the written output;
- ``sitekit.devtools``: tools for people (bench, scaffold, browser), never
  imported by a build.

``sitekit.core.state`` holds the one typed object these stages share, and
``docs/architecture.md`` walks through the pipeline.
"""
