"""The redirects feature's publishing steps, on the staging folder.

1. `write_pages` (before anything reads the output): at each old address a
   `Redirect-From:` field claims, a small page with no script that sends readers on
   (a meta refresh, `rel=canonical`, `noindex`, and a visible link), for every host,
   GitHub Pages included. Hosts that can answer `301` do so from the files hosting
   writes of `BuildState.moved` (`_redirects`, nginx's map); the pages are in no
   sitemap, feed, listing or search index, none of which reads a file written here.
   An old address that this build publishes anyway (the claiming page's own, a page
   of another, or another's old address: a loop or a chain), or a claiming page this
   build does not write (a draft, in production), is a problem naming the file.
2. `keep_record` (last): content/addresses.txt records every public address the site
   has published (pages, listings, feeds, the original images; not fingerprinted
   files, whose names change by design), each with the source that made it. An
   address in it that this build would drop, that no Redirect-From claims and
   content/gone.txt does not list, fails a build with the `keep_addresses` option
   (production), one line each naming the source that had it; a local build notes
   them in one line. A production build then adds the new addresses. With no record
   file, nothing is kept: an empty content/addresses.txt starts one.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from sitekit.core.files import TWIN_SUFFIXES, files_below, replace_with
from sitekit.core.problems import Problem, display_path
from sitekit.core.state import BuildState
from sitekit.redirects.check import GONE_FILE, RECORD_FILE, gone, read_list, saved_as

# What a reader sees for the moment before the browser follows the refresh (or if it does
# not). No stylesheet: the strict policy of every host allows none but the theme's hash.
PAGE = """\
<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Moved: {title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; base-uri 'none'">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={url}">
<link rel="canonical" href="{url}">
</head>
<body>
<p>This page has moved to <a href="{url}">{title}</a>.</p>
</body>
</html>
"""

RECORD_HEADER = """\
# Every address this site has published, kept by the production build (sitekit.redirects).
# An address here that a build would drop fails it: add "Redirect-From: <address>" to the
# page that replaces it, or list the address in gone.txt. Each line: the address, and the
# file below content/ it came from, if any. Review new lines; never delete one.
"""

# Host files and fingerprinted or generated files, which no reader links to by name.
_NOT_ADDRESSES = ("_headers", "_redirects", "404.html")


def write_pages(output: Path, settings: dict[str, Any], build: BuildState) -> list[Problem]:
    """Write a page at each claimed old address; fill `build.moved` and `build.gone`."""
    root = Path(settings["PATH"])
    site_url = settings["SITEURL"].rstrip("/")
    problems = []
    files = files_below(output)
    for claim in build.redirect_claims:
        shown = display_path(claim.source)
        field = f"'Redirect-From: {claim.old}'"
        old_file = saved_as(claim.old)
        if not claim.save_as or claim.save_as not in files:
            problems.append(
                Problem(
                    shown,
                    None,
                    f"{field} would send readers to this page, which this build does not "
                    "publish (a draft, or an article dated later). Publish it first, or take "
                    "the line out until then.",
                )
            )
        elif old_file in files or claim.old in build.moved:
            what = "this page's own address" if old_file == claim.save_as else "published"
            problems.append(
                Problem(
                    shown,
                    None,
                    f"{field} names an address that is {what} by this build, so a redirect "
                    "there would hide a page or make a loop or a chain of redirects. Take "
                    f"{claim.old} out of the field.",
                )
            )
        else:
            url = f"{site_url}/{claim.url}"
            page = PAGE.format(
                lang=html.escape(settings["DEFAULT_LANG"]),
                title=html.escape(claim.title),
                url=html.escape(url),
            )
            target = output / old_file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, "utf-8")
            build.moved[claim.old] = "/" + claim.url
    gone_shown = f"{display_path(root)}/{GONE_FILE}"
    for address, line in gone(root / GONE_FILE):
        if saved_as(address) in files or address in build.moved:
            problems.append(
                Problem(
                    gone_shown,
                    line,
                    f"{address} is listed as gone, but this build publishes it (or a "
                    "Redirect-From leads from it). Take the line out.",
                )
            )
        elif address not in build.gone:
            build.gone.append(address)
    build.gone.sort()
    return problems


def published(output: Path, settings: dict[str, Any]) -> set[str]:
    """Every public address in `output`, below the site's root: `/page/`, `/feeds/all.atom.xml`."""
    root = Path(settings["PATH"])
    static = tuple(folder.strip("/") + "/" for folder in settings.get("STATIC_PATHS") or [])
    skipped = tuple(
        folder.strip("/") + "/" for folder in (settings["THEME_STATIC_DIR"], "pagefind", "drafts")
    )
    addresses = set()
    for name in files_below(output):
        if (
            name.endswith(TWIN_SUFFIXES)
            or name.startswith(skipped)
            or name.startswith(_NOT_ADDRESSES)
            # Of a static folder, the files copied from content/, not those made of them.
            or (name.startswith(static) and not (root / name).is_file())
        ):
            continue
        if name == "index.html" or name.endswith("/index.html"):
            name = name.removesuffix("index.html")
        addresses.add("/" + name)
    return addresses


def _local_kind(address: str, settings: dict[str, Any]) -> bool:
    """Whether a local build makes addresses of this kind: pages and images (not the
    feeds, the sitemap or robots.txt, which only production builds write)."""
    static = tuple("/" + f.strip("/") + "/" for f in settings.get("STATIC_PATHS") or [])
    return address.endswith(("/", ".html")) or address.startswith(static)


def keep_record(output: Path, settings: dict[str, Any], build: BuildState) -> list[Problem]:
    root = Path(settings["PATH"])
    record_file = root / RECORD_FILE
    if not record_file.is_file():
        return []
    record_shown = f"{display_path(root)}/{RECORD_FILE}"
    recorded: dict[str, str] = {}
    for line, _number in read_list(record_file):
        address, _, source = line.partition(" ")
        recorded[address] = source.strip()
    now = published(output, settings)
    kept = now | set(build.gone)
    dropped = sorted(a for a in recorded if a not in kept)
    if not build.options.keep_addresses:
        dropped = [a for a in dropped if _local_kind(a, settings)]
        if dropped:
            build.notices[record_shown] = (
                f"{len(dropped)} address(es) published before would now be a 404: "
                f"{', '.join(dropped)}. A production build refuses this: add "
                '"Redirect-From: <address>" to the page that replaces each, or list it in '
                f"{display_path(root)}/{GONE_FILE}."
            )
        return []
    if dropped:
        return [
            Problem(
                f"{display_path(root)}/{recorded[a]}" if recorded[a] else record_shown,
                None,
                f"the address {a} was published before and would now be a 404. Add "
                f'"Redirect-From: {a}" to the {_kind(recorded[a], settings)} that replaces it, or list '
                f"it in {display_path(root)}/{GONE_FILE} if it is gone for good.",
            )
            for a in dropped
        ]
    sources = {
        "/" + name.removesuffix("index.html"): Path(source).relative_to(root.resolve()).as_posix()
        for name, (source, _links) in build.page_sources.items()
        if Path(source).is_relative_to(root.resolve())
    }
    lines = [
        f"{a} {sources.get(a) or recorded.get(a, '')}".rstrip()
        for a in sorted(recorded.keys() | now)
    ]
    text = RECORD_HEADER + "\n".join(lines) + "\n"
    if record_file.read_text("utf-8") != text:
        replace_with(text.encode("utf-8"), record_file)
    return []


def _kind(source: str, settings: dict[str, Any]) -> str:
    """What replaces an address: a listing's or a feed's, with no source, may be either."""
    pages = tuple(folder.strip("/") + "/" for folder in settings.get("PAGE_PATHS") or [])
    return "page" if source.startswith(pages) else "article" if source else "article or page"
