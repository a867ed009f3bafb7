"""Production post-processing, in the only order that works.

One `finalized` receiver, because Pelican gives no order among receivers:
1. give static assets their fingerprinted names (sitekit.assets);
2. write the `_headers` file for Netlify and Cloudflare Pages (sitekit.headers);
3. write .gz and .br twins of every text file (sitekit.precompress).
"""

from pathlib import Path

from pelican import signals

from sitekit import assets, headers, precompress


def finish(pelican) -> None:
    output = Path(pelican.output_path)
    settings = pelican.settings
    assets.rename_in_output(output, settings)
    if settings.get("HEADERS_FILE"):
        (output / settings["HEADERS_FILE"]).write_text(headers.netlify_headers(settings), "utf-8")
    if settings.get("PRECOMPRESS"):
        previous = settings.get("FINAL_OUTPUT_PATH")
        precompress.precompress(output, Path(previous) if previous else None)


def register():
    signals.finalized.connect(finish)
