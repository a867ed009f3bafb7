"""The runner: the one way every caller builds (`invoke build`, tests, bench).

1. Read the settings (runner.settings).
2. Run Pelican with the features' plugins in-process, into a staging folder beside the
   output folder, while a forked process checks the sources (runner.sources);
   Pelican stops before writing a page if the check found problems, and only
   those are told. Any warning or error that Pelican or a plugin logs fails the
   build, each printed on one line, with no traceback.
3. Run the features' publishing steps, in order (runner.steps), on the staging folder.
4. Swap the staging folder into place (runner.staging): a failed build leaves
   the previous output untouched.

Run it as ``python -m sitekit.runner [--production] [--output DIR] [--content DIR]``.
docs/architecture.md shows the whole pipeline.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals

from sitekit.core import collector, forks, inputs, logs, state
from sitekit.core.files import files_below
from sitekit.core.problems import display_path, one_line, showable
from sitekit.core.progress import Progress
from sitekit.images import publish as images
from sitekit.pages import render
from sitekit.people import model as people
from sitekit.runner import staging
from sitekit.runner import steps as publish
from sitekit.runner.settings import (
    LOCAL_SETTINGS,
    PRODUCTION_SETTINGS,
    PROJECT,
    SettingsError,
    check_output_path,
    load_settings,
)
from sitekit.runner.sources import contain, validate
from sitekit.search import publish as search

__all__ = [
    "LOCAL_SETTINGS",
    "PRODUCTION_SETTINGS",
    "PROJECT",
    "BuildResult",
    "SettingsError",
    "build",
    "command_line",
    "load_settings",
    "main",
]


@dataclass
class BuildResult:
    output: Path
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    # Source file -> the date a scheduled article will be published.
    scheduled: dict[str, datetime] = field(default_factory=dict)
    # Source file -> a note for its editor that does not fail the build.
    notices: dict[str, str] = field(default_factory=dict)
    rendered: int = 0
    reused: int = 0
    # The pages rendered (not reused), and the processes that read and rendered.
    rendered_pages: list[str] = field(default_factory=list)
    processes: dict[str, int] = field(default_factory=dict)
    images_made: int = 0
    images_reused: int = 0
    # Seconds per step (pelican, links, precompress...).
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# Where a newer save (the live preview) stops a build while Pelican reads: each file read,
# and before and after the plugins' receivers of each generator's steps.
CHECKPOINTS = (
    signals.content_object_init,
    signals.article_generator_pretaxonomy,
    signals.article_generator_finalized,
    signals.page_generator_init,
    signals.page_generator_finalized,
    signals.static_generator_init,
    signals.static_generator_finalized,
)


def command_line(*args: str | Path) -> list[str]:
    """The command that runs a build in a process of its own (the bench, some tests)."""
    return [sys.executable, "-m", "sitekit.runner", *map(str, args)]


def cache_root(output: Path) -> Path:
    """Where the caches live: beside the output folder, never inside it."""
    return output.parent / f".{output.name}.cache"


def build(
    settings_file: Path = LOCAL_SETTINGS,
    output: Path | None = None,
    content: Path | None = None,
    first_pages: frozenset[str] = frozenset(),
    first_page: Callable[[str, bytes], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    finished: Callable[[state.BuildState], None] | None = None,
) -> BuildResult:
    """Build the site; raise SettingsError if it cannot start. The live preview names the
    pages a browser shows (`first_pages`) and is handed each as soon as it is rendered
    (`first_page`), before the rest of the build, may cancel it (`cancelled`), and is
    handed the state of a build that succeeded, its generators in it (`finished`)."""
    from jinja2 import FileSystemBytecodeCache
    from pelican import Pelican

    started = time.perf_counter()
    progress = Progress()
    # Collect from the start: Pelican already logs warnings while reading settings.
    # No garbage collection in this process while it builds: see sitekit.core.collector.
    with logs.collected_warnings() as messages, collector.paused():
        settings, options = load_settings(Path(settings_file), output, content)
        output = Path(settings["OUTPUT_PATH"])
        check_output_path(output, settings, Path(settings_file))
        result = BuildResult(output=output)
        # Before Pelican lists content/: it would follow a link out of it, and copy whatever
        # the static folders hold, before the sources check below could stop it.
        if contained := contain(settings, Path.cwd()):
            result.problems = [str(p) for p in contained]
            result.seconds = time.perf_counter() - started
            return result
        staging.remove_leftovers(output)
        folder = staging.new_staging_folder(output)
        settings["OUTPUT_PATH"] = str(folder)
        # The swap replaces the folder as a whole; Pelican must never empty it first.
        settings["DELETE_OUTPUT_DIRECTORY"] = False
        build_state = state.BuildState(
            progress=progress,
            options=options,
            output=output,
            cache=cache_root(output),
            previous=output if output.is_dir() else None,
            first_pages=first_pages,
            first_page=first_page,
            cancelled=cancelled,
        )
        settings[state.STATE_KEY] = build_state
        # The sources are checked in a process of their own while Pelican reads them;
        # Pelican stops before writing anything if the check found problems.
        sources = SourceCheck(
            forks.start(partial(validate, settings, Path.cwd())),
            # Every image is planned by then: make them while Pelican writes.
            passed=partial(images.start_early, build_state),
        )

        def keep_generators(generators: list[Any]) -> None:
            build_state.generators = list(generators)

        def stop_if_cancelled(sender: Any, **_: Any) -> None:
            # A newer save stops the build between two files read (`content_object_init`),
            # and between the generators' steps (CHECKPOINTS).
            state.stop_if_cancelled(build_state)

        def stop_if_cancelled_after(sender: Any, **_: Any) -> None:
            # The same, once the plugins' receivers of a signal have run.
            state.stop_if_cancelled(build_state)

        try:
            try:
                logs.fresh_pelican()
                signals.all_generators_finalized.connect(keep_generators, weak=False)
                for checkpoint in CHECKPOINTS:
                    checkpoint.connect(stop_if_cancelled, weak=False)
                pelican = Pelican(settings)
                for checkpoint in CHECKPOINTS:
                    checkpoint.connect(stop_if_cancelled_after, weak=False)
                # Keyed by everything that shapes the output, our plugins' code included.
                build_state.inputs = inputs.digest(
                    settings, pelican.plugins, [people.people_file(settings)]
                )
                build_state.cache = cache_root(output) / build_state.inputs[:16]
                settings["CACHE_PATH"] = str(build_state.cache)
                build_state.cache.mkdir(parents=True, exist_ok=True)
                # Compiled templates, kept between builds (Jinja checks each template's source).
                settings["JINJA_ENVIRONMENT"] = {
                    **settings["JINJA_ENVIRONMENT"],
                    "bytecode_cache": FileSystemBytecodeCache(str(build_state.cache)),
                    # No template changes while a build runs: skip the check of its file each use.
                    "auto_reload": False,
                }
                with publish.timed(build_state, "pelican"), sources.stops_pelican():
                    pelican.run()
                if not messages and not sources.problems():
                    messages += [str(p) for p in publish.run(folder, settings, build_state)]
            except state.Cancelled as cancelled_by:
                messages.append(f"the build stopped: {cancelled_by}")
                staging.discard_later(folder, output)
            except Exception as error:
                # Named by the source Pelican was working on, if any (a missing template).
                where = logs.source_of_error(error)
                messages.append(logs.located(describe_exception(error), where))
            # An editor's mistake is told as the sources check words it, not as what it made Pelican do.
            result.problems = sources.problems() or list(messages)
            result.pages = sum(name.endswith(".html") for name in files_below(folder))
            result.rendered, result.reused = build_state.rendered, build_state.reused
            result.rendered_pages = sorted(build_state.rendered_pages)
            result.processes = dict(build_state.processes)
            result.images_made = build_state.images_made
            result.images_reused = build_state.images_reused
            result.steps = dict(build_state.seconds)
            content_root = display_path(Path(settings["PATH"]))
            result.scheduled = {
                f"{content_root}/{path}": date
                for path, date in sorted(build_state.scheduled.items())
            }
            result.notices = dict(sorted(build_state.notices.items()))
            if result.ok:
                staging.swap_into_place(folder, output)
                render.remove_other_caches(build_state)
                search.commit(build_state)
                if finished is not None:
                    finished(build_state)
        finally:
            signals.all_generators_finalized.disconnect(keep_generators)
            for checkpoint in CHECKPOINTS:
                checkpoint.disconnect(stop_if_cancelled)
                checkpoint.disconnect(stop_if_cancelled_after)
            sources.forked.stop()
            if build_state.early_images is not None:
                build_state.early_images.cancel()  # after a failure; else already done
            progress.clear()
            shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


class SourceCheck:
    """The sources check (runner.sources), run in a forked process beside Pelican."""

    class Failed(Exception):
        """Stops Pelican once its generators have read everything: the sources have problems."""

    def __init__(self, forked: forks.Forked, passed: Callable[[], None]) -> None:
        self.forked = forked
        self.passed = passed
        self._problems: list[str] | None = None

    def problems(self) -> list[str]:
        """The check's problems, waiting for it the first time; a check that broke is one."""
        if self._problems is None:
            try:
                self._problems = [str(p) for p in self.forked.result()]
            except Exception as error:
                self._problems = [one_line(describe_exception(error))]
        return self._problems

    def _stop_if_failed(self, generators: list[Any]) -> None:
        # A newer save stops the build while it waits for the check (the live preview).
        build = state.of(generators[0].settings) if generators else None
        while build is not None and not self.forked.ready(0.05):
            state.stop_if_cancelled(build)
        if self.problems():
            raise SourceCheck.Failed
        self.passed()

    @contextmanager
    def stops_pelican(self) -> Iterator[None]:
        """Before Pelican writes a page (`all_generators_finalized`), wait for the check;
        call `passed` if it found nothing."""
        signals.all_generators_finalized.connect(self._stop_if_failed)
        try:
            yield
        except SourceCheck.Failed:
            pass
        except state.Cancelled:
            self.forked.stop()  # not waited for: a newer save builds next
            raise
        finally:
            signals.all_generators_finalized.disconnect(self._stop_if_failed)
            self.problems()


def describe_exception(error: Exception) -> str:
    """Say what stopped the build, naming the file and line when there is one."""
    where = ""
    filename = getattr(error, "filename", None)
    if filename:
        where = f"{filename}"
        if getattr(error, "lineno", None):
            where += f", line {error.lineno}"
        where += ": "
    return f"the build stopped: {where}{type(error).__name__}: {error}"


def report(result: BuildResult, timings: bool = False) -> int:
    """Print the outcome as `invoke build` shows it; return the exit status."""
    if not result.ok:
        for problem in result.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(
            f"Build failed with {len(result.problems)} problem(s); "
            f"{display_path(result.output)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    for path, notice in result.notices.items():
        print(f"note: {showable(f'{path}: {notice}')}", file=sys.stderr)
    reused = f" ({result.reused} unchanged files reused)" if result.reused else ""
    print(
        f"Built {result.pages} pages into {display_path(result.output)}/ "
        f"in {result.seconds:.2f} s{reused}."
    )
    if result.images_made or result.images_reused:
        print(f"Images: {result.images_made} made, {result.images_reused} from the cache.")
    if timings:
        print("Steps: " + ", ".join(f"{step} {s:.3f} s" for step, s in result.steps.items()))
    if result.scheduled:
        listed = ", ".join(f"{path} on {date:%Y-%m-%d}" for path, date in result.scheduled.items())
        print(f"Scheduled, published once their date has come: {listed}.")
    return 0


def main(argv: list[str] | None = None, **preview: Any) -> int:
    """The command line; the live preview adds `build`'s `first_pages`, `first_page` and
    `cancelled`."""
    parser = argparse.ArgumentParser(
        prog="python -m sitekit.runner", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--production", action="store_true", help="use publishconf.py")
    parser.add_argument("--timings", action="store_true", help="print the seconds of each step")
    parser.add_argument("--settings", type=Path, help="a settings file (default: pelicanconf.py)")
    parser.add_argument(
        "--output", type=Path, help="the output folder (default: from the settings)"
    )
    parser.add_argument(
        "--content", type=Path, help="the content folder (default: from the settings)"
    )
    args = parser.parse_args(argv)

    settings_file = args.settings or (PRODUCTION_SETTINGS if args.production else LOCAL_SETTINGS)
    try:
        result = build(settings_file, output=args.output, content=args.content, **preview)
    except SettingsError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Build interrupted; the output folder was left as it was.", file=sys.stderr)
        return 130
    return report(result, timings=args.timings)
