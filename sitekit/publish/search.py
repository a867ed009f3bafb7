"""The search index: Pagefind reads the written pages and writes pagefind/ beside them.

Pagefind (PyPI `pagefind[bin]`, which ships its binary, so nothing is
downloaded at build time) indexes only what the templates mark with
`data-pagefind-body`: published articles, without the parts marked
`data-pagefind-ignore`. The search page's script (theme/static/search.js)
loads the index in the reader's browser; no other page loads anything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit.problems import Problem, one_line

BUNDLE = "pagefind"


def index(output: Path) -> list[Problem]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(output),
            "--output-subdir",
            BUNDLE,
            "--silent",
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0 or not (output / BUNDLE / "pagefind.js").is_file():
        said = (
            one_line(completed.stderr or completed.stdout) or f"exit status {completed.returncode}"
        )
        return [Problem("the search index", None, f"Pagefind could not index the site: {said}")]
    # Pagefind's ready-made interfaces: the search page has its own markup and uses the JS API.
    for unused in (output / BUNDLE).glob("pagefind-*ui.*"):
        unused.unlink()
    return []
