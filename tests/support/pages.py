"""Reading the sources and the built pages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))
PRODUCTION_URL = "https://example.org"
PREFIXED_URL = "https://example.org/blog"


@lru_cache(maxsize=512)
def _parse(path: str, stamp: tuple[int, int, int]) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_bytes(), "html5lib")


def parse_html(path: Path) -> BeautifulSoup:
    """The page parsed as a browser would; cached until the file changes. Do not modify it."""
    stat = Path(path).stat()
    return _parse(str(path), (stat.st_ino, stat.st_mtime_ns, stat.st_size))


def url_path(output: Path, page: Path) -> str:
    """A page's address below the site's root: `tag/x/index.html` is `tag/x/`."""
    return page.relative_to(output).as_posix().removesuffix("index.html")


def page_paths(output: Path) -> list[str]:
    """The root-relative address of every HTML page in a built site."""
    return ["/" + url_path(output, p) for p in sorted(output.rglob("*.html"))]


def read_article_source(path: Path) -> tuple[dict[str, str], list[str]]:
    """The metadata and the body paragraphs of a Markdown article: the author's text, without
    the editor's notes (`!!! editor-note` blocks) beside it."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    metadata = dict(line.split(": ", 1) for line in header.splitlines())
    paragraphs = [
        " ".join(p.split()) for p in body.split("\n\n") if p.strip() and not p.startswith("!!! ")
    ]
    return metadata, paragraphs


SEARCH_PAGE = "search/index.html"


def running_scripts(page) -> list:
    """The page's <script> elements a browser runs (JSON-LD blocks are data, never run)."""
    return [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]


def scripts_allowed(output: Path, path: Path) -> int:
    """How many running scripts a page may have: the search page one, every other page none."""
    return 1 if path.relative_to(output).as_posix() == SEARCH_PAGE else 0
