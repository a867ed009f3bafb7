"""`invoke bench --ablations`: what each cache and each parallel step saves, measured.

Every cache and parallel step must earn its keep: at least 5% of a cold, a
production or a one-edit build. Each entry below turns one of them off in a
build process of its own (``python -m sitekit.devtools.ablation NAME ARGS``,
with the runner's arguments), by patching the module that owns it before the
build starts; "none" patches nothing. The bench runs the scenarios each entry
can change, alternating the build with it and without it on the same sources,
and prints the median ratio of the wall times (without / with).

The patches live here, not in the build: nothing in sitekit knows it is measured.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Ablation:
    what: str
    # The scenarios it can change: "cold", "production", "one-edit", "production one-edit",
    # "no-change".
    scenarios: tuple[str, ...]
    patch: Callable[[], None]
    # Measured on a site whose articles show images.
    images: bool = False


def _settings(
    change: Callable[[dict[str, Any]], None] = lambda settings: None, **options: Any
) -> None:
    """Change the settings the runner loads, and its options, before Pelican sees them."""
    from sitekit import runner

    load = runner.load_settings

    @wraps(load)
    def changed(*args: Any, **kwargs: Any) -> Any:
        settings, loaded = load(*args, **kwargs)
        change(settings)
        return settings, dataclasses.replace(loaded, **options)

    runner.load_settings = changed


def _no_content_cache() -> None:
    _settings(lambda s: s.update(LOAD_CONTENT_CACHE=False, CACHE_CONTENT=False))


def _set(module: str, name: str, value: Any) -> None:
    __import__(module)
    setattr(sys.modules[module], name, value)


def _without_plugin(name: str) -> None:
    _settings(lambda s: s.update(PLUGINS=[p for p in s["PLUGINS"] if p != name]))


def _without_markdown_extension(name: str) -> None:
    def change(settings: dict[str, Any]) -> None:
        configs = dict(settings["MARKDOWN"]["extension_configs"])
        configs.pop(name)
        settings["MARKDOWN"] = {**settings["MARKDOWN"], "extension_configs": configs}

    _settings(change)


def _sources_check_inline() -> None:
    """The sources check run to its end before Pelican starts, not beside it."""
    from sitekit import runner

    class Done:
        def __init__(self, work: Callable[[], Any]) -> None:
            try:
                self.outcome: tuple[bool, Any] = (True, work())
            except Exception as error:
                self.outcome = (False, error)

        def result(self) -> Any:
            ok, value = self.outcome
            if not ok:
                raise value
            return value

        def stop(self) -> None:
            pass

    runner.forks = type("InlineForks", (), {"start": staticmethod(Done)})


def _one_compression_process() -> None:
    from sitekit.hosting import precompress

    precompress.precompress = partial(precompress.precompress, workers=1)


def _fresh_image_cache() -> None:
    from sitekit.images import publish

    fresh = Path(tempfile.mkdtemp(prefix="bench-no-image-cache-"))
    publish.cache_folder = lambda output: fresh


def _one_image_process() -> None:
    from sitekit.images import publish

    publish.start_early = lambda build: None
    publish.make_images = partial(publish.make_images, workers=1)


def _no_bytecode_cache() -> None:
    import jinja2

    jinja2.FileSystemBytecodeCache = _NoBytecodeCache  # type: ignore[misc]


class _NoBytecodeCache:
    """Stands in for Jinja's FileSystemBytecodeCache: keeps nothing (module-level, so that
    Pelican's content cache can pickle the settings that hold it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> Any:
        from jinja2.bccache import Bucket

        return Bucket(environment, name, source)

    def set_bucket(self, bucket: Any) -> None:
        pass


ABLATIONS: dict[str, Ablation] = {
    "none": Ablation("nothing turned off", (), lambda: None),
    "content-cache": Ablation(
        "Pelican's content cache (a Markdown file is read again only when it changed)",
        ("one-edit",),
        _no_content_cache,
    ),
    "reading-processes": Ablation(
        "Markdown converted in forked processes",
        ("cold",),
        partial(_set, "sitekit.markdown.reader", "POOL_MIN_FILES", 10**9),
    ),
    "rendering-processes": Ablation(
        "pages rendered in forked processes",
        ("cold", "one-edit"),
        partial(_set, "sitekit.pages.render", "POOL_MIN_PAGES", 10**9),
    ),
    "unchanged-pages-linked": Ablation(
        "a page whose bytes did not change linked from the last output, not written",
        ("one-edit", "production one-edit"),
        partial(_set, "sitekit.pages.render", "_same_bytes", lambda path, data: False),
    ),
    "twins-reused": Ablation(
        "the last output's .gz and .br twins of an unchanged file reused",
        ("production one-edit",),
        partial(_set, "sitekit.hosting.precompress", "reuse_twins", lambda *args: False),
    ),
    "compression-processes": Ablation(
        ".gz and .br twins made in forked processes",
        ("production",),
        _one_compression_process,
    ),
    "links-cache": Ablation(
        "the link check's record of the pages it read before",
        ("one-edit",),
        partial(_set, "sitekit.links.publish", "_load", lambda cache: {}),
    ),
    "search-index-reused": Ablation(
        "the last search index linked when no article's indexed text changed",
        ("one-edit", "no-change"),
        partial(_set, "sitekit.search.publish", "_base", lambda build: None),
    ),
    "search-shards": Ablation(
        "the search index made in shards, run side by side",
        ("cold",),
        partial(_settings, search_shard=10**9),
    ),
    "sources-check-beside-pelican": Ablation(
        "the sources check run in a forked process while Pelican reads",
        ("cold",),
        _sources_check_inline,
    ),
    "bytecode-cache": Ablation(
        "Jinja's compiled templates kept between builds", ("one-edit",), _no_bytecode_cache
    ),
    "sources-hashed-once": Ablation(
        "each source hashed once a build for the content cache",
        ("one-edit",),
        partial(_set, "sitekit.markdown.reader", "_stamp_once", lambda generator: None),
    ),
    "fixed-urls": Ablation(
        "each article's address worked out once",
        ("cold", "one-edit"),
        partial(_without_plugin, "sitekit.pages.fixed_urls"),
    ),
    "collector-paused": Ablation(
        "no cyclic garbage collection while building",
        ("cold", "one-edit"),
        partial(_set, "sitekit.core.collector", "paused", contextlib.nullcontext),
    ),
    "markdown-guards": Ablation(
        "slow Markdown patterns tried only where they can match",
        ("cold",),
        partial(_without_markdown_extension, "sitekit.markdown.guards"),
    ),
    "image-cache": Ablation(
        "image files kept between builds (.output.images/)",
        ("one-edit",),
        _fresh_image_cache,
        images=True,
    ),
    "image-processes": Ablation(
        "images made in forked processes, from while Pelican writes",
        ("cold",),
        _one_image_process,
        images=True,
    ),
    "images-while-pelican-writes": Ablation(
        "images made from while Pelican writes, not after",
        ("cold",),
        partial(_set, "sitekit.images.publish", "start_early", lambda build: None),
        images=True,
    ),
}


# Articles of the image site that show a photo: enough to see the cost of images, few
# enough that a cold build of them takes seconds, not minutes.
IMAGES = 8
# Kept if it saves at least this share of a scenario it can change.
KEEP = 0.05


@dataclass
class Row:
    name: str
    scenario: str
    # Median wall seconds with everything on, and with this entry off.
    on: float
    off: float

    @property
    def saves(self) -> float:
        """The share of the build it saves: 0.2 is a fifth."""
        return 1 - self.on / self.off if self.off else 0.0


def measure(count: int, workdir: Path, runs: int, names: list[str]) -> list[Row]:
    """Each ablation in `names`, in every scenario it can change: `runs` builds with it
    off, alternating with as many with everything on, on the same sources."""
    from sitekit.devtools import bench

    # With or without photos -> the content folder and its articles, generated once.
    sites: dict[bool, tuple[Path, list[Path]]] = {}

    def site(images: bool) -> tuple[Path, list[Path]]:
        if images not in sites:
            content = workdir / ("content-images" if images else "content")
            sites[images] = (content, bench.generate_site(content, count, IMAGES if images else 0))
        return sites[images]

    env = {**os.environ, "SITEURL": bench.SITEURL}
    rows = []
    edits = 0
    for name in names:
        ablation = ABLATIONS[name]
        content, articles = site(ablation.images)
        for scenario in ablation.scenarios:
            module = "publishconf" if scenario.startswith("production") else "pelicanconf"
            settings = workdir / f"{module}_{content.name}.py"
            settings.write_text(
                bench.OUR_SETTINGS.format(
                    project=str(bench.PROJECT), module=module, content=str(content)
                )
            )

            def build(
                variant: str,
                fresh: bool,
                settings: Path = settings,
                name: str = name,
                scenario: str = scenario,
            ) -> float:
                folder = workdir / f"{name}-{scenario}-{variant}".replace(" ", "-")
                if fresh:
                    shutil.rmtree(folder, ignore_errors=True)
                bench.wait_for_retired_outputs(folder)
                output = folder / "output"
                command = [
                    sys.executable, "-m", "sitekit.devtools.ablation", variant,
                    "--settings", str(settings), "--output", str(output),
                ]  # fmt: skip
                label = f"{name}, {scenario}, {'off' if variant == name else 'on'}"
                return bench.run_measured(command, env, output, label, count).seconds

            warm = scenario != "cold" and scenario != "production"
            if warm:  # each variant's own last output and caches, as an editor's would be
                build("none", True), build(name, True)
            times: dict[str, list[float]] = {"none": [], name: []}
            for round_number in range(runs):
                if scenario.endswith("one-edit"):
                    edits += 1
                    article = articles[(len(articles) // 2 + edits) % len(articles)]
                    with article.open("a", encoding="utf-8") as file:
                        file.write("\nOne more sentence, added for the benchmark.\n")
                order = ("none", name) if round_number % 2 == 0 else (name, "none")
                for variant in order:
                    times[variant].append(build(variant, fresh=not warm))
            rows.append(Row(name, scenario, _median(times["none"]), _median(times[name])))
    return rows


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def table(rows: list[Row], count: int, runs: int) -> str:
    lines = [
        f"What each cache and parallel step saves, {count} articles ({IMAGES} with a photo for "
        f"the image rows), medians of {runs} alternating runs; kept if it saves at least "
        f"{KEEP:.0%} of a scenario it can change",
        f"{'turned off':30} {'scenario':20} {'on s':>7} {'off s':>7} {'saves':>7}",
    ]
    for row in rows:
        lines.append(
            f"{row.name:30} {row.scenario:20} {row.on:7.2f} {row.off:7.2f} {row.saves:7.1%}"
        )
    for name in dict.fromkeys(row.name for row in rows):
        best = max(row.saves for row in rows if row.name == name)
        verdict = "earns its keep" if best >= KEEP else "does not earn its keep"
        lines.append(f"{name}: {ABLATIONS[name].what}: {verdict} (at most {best:.1%})")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    name, *args = argv
    ABLATIONS[name].patch()
    from sitekit import runner

    return runner.main(args)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
