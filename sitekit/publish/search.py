"""The search index: Pagefind reads the written articles and writes pagefind/ beside them.

Pagefind (PyPI `pagefind[bin]`, which ships its binary, so nothing is
downloaded at build time) reads only the files where articles are written,
and indexes only what the templates mark with `data-pagefind-body`: published
articles, without the parts marked `data-pagefind-ignore`. The search page's
script (theme/static/search.js) loads the index in the reader's browser; no
other page loads anything.

When every page is as the last good build wrote it, that build's index is
linked instead of made again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sitekit.files import link_or_copy
from sitekit.problems import Problem, one_line

BUNDLE = "pagefind"


def article_glob(article_save_as: str) -> str:
    """Where articles are written, as a glob: {slug}/index.html is */index.html."""
    return re.sub(r"\{[^}]*\}", "*", article_save_as)


def reuse(output: Path, previous: Path | None) -> bool:
    """Link the last good build's index into `output`; False if there is none."""
    if previous is None or not (previous / BUNDLE / "pagefind.js").is_file():
        return False
    for source in sorted((previous / BUNDLE).rglob("*")):
        target = output / source.relative_to(previous)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, target)
    return True


def index(
    output: Path, article_save_as: str, previous: Path | None = None, unchanged: bool = False
) -> list[Problem]:
    """Index the articles written to `output`; `unchanged`: every page is as last time."""
    if unchanged and reuse(output, previous):
        return []
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--silent"]
    command += ["--glob", article_glob(article_save_as), "--output-subdir", BUNDLE]
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    if completed.returncode != 0 or not (output / BUNDLE / "pagefind.js").is_file():
        said = one_line(completed.stderr or completed.stdout) or f"exit {completed.returncode}"
        return [Problem("the search index", None, f"Pagefind could not index the site: {said}")]
    # Pagefind's ready-made interfaces: the search page has its own markup and uses the JS API.
    for unused in (output / BUNDLE).glob("pagefind-*ui.*"):
        unused.unlink()
    return []
