"""`invoke bench-preview`: how long a saved edit takes to show in the open page.

The live preview (devtools.preview) runs on a copy of the content; Chromium
opens an article; each round appends a sentence to the article's file and
waits until the open page shows it. Prints the median, fastest and slowest.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sitekit.devtools import browser
from sitekit.devtools.preview import Preview
from sitekit.runner.settings import PROJECT

ARTICLE = "back-massage-therapy"


def measure(rounds: int = 10) -> list[float]:
    """Seconds from each save to the open page showing it."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="preview-bench-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(PROJECT / "content", content)
        article = content / "articles" / f"{ARTICLE}.md"
        original = article.read_text("utf-8")
        preview = Preview.for_content(content, Path(folder) / "output")
        preview.start()
        watcher = threading.Thread(target=preview.watch, daemon=True)
        watcher.start()
        seconds = []
        try:
            with sync_playwright() as playwright:
                chromium = browser.launch(playwright)
                page = chromium.new_page()
                page.goto(f"{preview.url}/{ARTICLE}/")
                time.sleep(0.5)  # the page's event stream connects
                for number in range(rounds):
                    marker = f"Edit number {number} for the benchmark."
                    article.write_text(f"{original}\n{marker}\n", "utf-8")
                    saved = time.perf_counter()
                    page.wait_for_function(
                        "marker => document.body.innerText.includes(marker)",
                        arg=marker,
                        timeout=10_000,
                    )
                    seconds.append(time.perf_counter() - saved)
                    time.sleep(0.2)
                chromium.close()
        finally:
            preview.stop()
            watcher.join(timeout=10)
    return seconds


def main(rounds: int = 10) -> int:
    seconds = measure(rounds)
    print(
        f"save to screen over {len(seconds)} edits: median {statistics.median(seconds):.3f} s, "
        f"fastest {min(seconds):.3f} s, slowest {max(seconds):.3f} s"
    )
    return 0
