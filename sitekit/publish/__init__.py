"""Stage 4: publishing steps, run by the runner on the staging folder once Pelican is done.

In this order, each switched by an option (sitekit.state.Options):
1. give static assets their fingerprinted names (fingerprints; fingerprint_assets);
2. write the `_headers` file for Netlify and Cloudflare Pages (headers; headers_file);
3. write sitemap.xml from the pages actually written (sitemap; sitemap);
4. write .gz and .br twins of every text file, the files above included
   (precompress; precompress).

A new step is a function of (output folder, settings, BuildState) added to
``run`` at its place in the order; it reports editor mistakes as Problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sitekit.problems import Problem
from sitekit.publish import fingerprints, headers, precompress, sitemap
from sitekit.state import BuildState


def run(output: Path, settings: dict[str, Any], build: BuildState) -> list[Problem]:
    options = build.options
    fingerprints.rename(output, settings, build.assets)
    if options.headers_file:
        headers.write_headers_file(output, options.headers_file, settings, build.stylesheet)
    if options.sitemap:
        sitemap.write_sitemap(output, options.sitemap, settings["SITEURL"], build.written)
    if options.precompress:
        precompress.precompress(output, build.previous)
    return []
