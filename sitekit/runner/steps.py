"""The publishing steps, run by the runner on the staging folder once Pelican is done.

In this order, each switched by an option (sitekit.core.state.Options):
1. give static assets their fingerprinted names (fingerprints; fingerprint_assets),
   then write a page at each old address a Redirect-From field claims (redirects; always),
   before anything reads the output;
2. start indexing the published articles for the search page with Pagefind
   (search; always), which runs beside steps 3 to 6 and is waited for after them;
3. make the planned image files and clean every other raster image (images; always);
4. write sitemap.xml from the pages actually written (sitemap; sitemap);
5. write /.well-known/security.txt (security_txt; when SECURITY_CONTACT is set), then
   the redirects for Netlify and Cloudflare (`_redirects`) and nginx (its map) (headers;
   redirects_file), and the `_headers` file for Netlify and Cloudflare Pages, whose
   rules name every top-level file and folder written by then (headers; headers_file);
6. check that every internal link of every written page and feed leads
   somewhere (links; always): a broken one is a problem that fails the build;
   no page links into the search index, which Pagefind may still be writing;
7. write .gz and .br twins of every text file, the files above included
   (precompress; precompress);
8. compare the addresses published with content/addresses.txt, the record of every one
   published before (redirects; keep_addresses fails the build on a dropped one, and
   adds the new ones), last, so that a failed step never adds to the record.

A new step is a function of (output folder, settings, BuildState) added to
``run`` at its place in the order; it reports editor mistakes as Problems.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitekit.core.problems import Problem, display_path
from sitekit.core.state import BuildState, stop_if_cancelled
from sitekit.hosting import headers, precompress, security_txt, sitemap
from sitekit.images import publish as images
from sitekit.links import publish as links
from sitekit.redirects import publish as redirects
from sitekit.search import publish as search
from sitekit.templating import fingerprints

# What the status line of a long build says during each step (sitekit.core.progress).
STAGES = {
    "pelican": "reading",
    "images": "making images",
    "search": "indexing for search",
    "links": "checking links",
    "precompress": "compressing",
}


@contextmanager
def timed(build: BuildState, step: str) -> Iterator[None]:
    """Add the step's seconds to `build.seconds` (`python -m sitekit.runner --timings`)."""
    started = time.perf_counter()
    build.progress.stage(STAGES.get(step, step))
    try:
        yield
    finally:
        build.seconds[step] = build.seconds.get(step, 0.0) + time.perf_counter() - started


def run(output: Path, settings: dict[str, Any], build: BuildState) -> list[Problem]:
    options = build.options
    stop_if_cancelled(build)
    with timed(build, "fingerprints"):
        fingerprints.rename(output, settings, build.assets)
    with timed(build, "redirects"):
        if problems := redirects.write_pages(output, settings, build):
            return problems
    # Pagefind reads the articles while the next steps run; none of them writes an article.
    with timed(build, "search"):
        articles = [settings["ARTICLE_SAVE_AS"], settings.get("ARTICLE_LANG_SAVE_AS", "")]
        finish_search = search.start(output, articles, build, settings["DEFAULT_LANG"])
    try:
        problems = _beside_search(output, settings, build)
    finally:
        # Waited for even when a step failed, so that no Pagefind outlives the build.
        with timed(build, "search"):
            searched = finish_search()
    if problems or searched:
        return problems or searched
    stop_if_cancelled(build)
    if options.precompress:
        with timed(build, "precompress"):
            precompress.precompress(output, build.previous, progress=build.progress)
    with timed(build, "redirects"):
        return redirects.keep_record(output, settings, build)


def _beside_search(output: Path, settings: dict[str, Any], build: BuildState) -> list[Problem]:
    options = build.options
    with timed(build, "images"):
        problems, build.images_made, build.images_reused = images.make_images(
            output,
            build.output,
            build.image_jobs,
            display_path(Path(settings["PATH"])),
            early=build.early_images,
            max_pixels=options.image_max_megapixels * 1_000_000,
        )
    if problems:
        return problems
    if options.sitemap:
        with timed(build, "sitemap"):
            sitemap.write_sitemap(output, options.sitemap, settings["SITEURL"], build.written)
    with timed(build, "headers"):
        security_txt.write_security_txt(output, settings)
        if options.redirects_file:
            headers.write_redirects_files(output, options.redirects_file, build.moved, build.gone)
        if options.headers_file:
            headers.write_headers_file(output, options.headers_file, settings, build.stylesheet)
    stop_if_cancelled(build)
    with timed(build, "links"):
        notes: dict[str, list[str]] = {}
        problems = links.check_links(
            output,
            settings["SITEURL"],
            sources=build.page_sources,
            unpublished=build.unpublished,
            shown=display_path,
            output_name=display_path(build.output),
            digests=build.page_digests,
            cache=build.cache / links.CACHE,
            moved=build.moved,
            notes=notes,
        )
        for source, said in notes.items():
            build.notices[source] = "; ".join(filter(None, [build.notices.get(source), *said]))
        return problems
