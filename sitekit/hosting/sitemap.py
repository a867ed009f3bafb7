"""sitemap.xml, listing the pages this build actually wrote.

hosting.plugin records every page Pelican writes and its newest date. A page
that asks search engines not to index it (the 404 page, a draft preview) is
left out; so is anything that is not HTML. Such a page carries NOINDEX_META,
which templates write as the ``noindex_meta`` global (hosting.plugin), so the
bytes looked for here are the bytes written.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from markupsafe import Markup

# What a page that search engines must not index carries (base.html, 404.html).
NOINDEX_META = Markup('<meta name="robots" content="noindex">')
NOINDEX = NOINDEX_META.encode()


def indexable(page: Path) -> bool:
    return page.suffix == ".html" and NOINDEX not in page.read_bytes()


def sitemap(output: Path, site_url: str, written: dict[str, datetime | None]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for name in sorted(written, key=lambda n: (n.count("/"), n)):
        if not indexable(output / name):
            continue
        url = escape(f"{site_url}/{name.removesuffix('index.html')}")
        newest = written[name]
        lastmod = f"<lastmod>{newest.isoformat()}</lastmod>" if newest else ""
        lines.append(f"<url><loc>{url}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_sitemap(
    output: Path, save_as: str, site_url: str, written: dict[str, datetime | None]
) -> None:
    (output / save_as).write_text(sitemap(output, site_url, written), "utf-8")
