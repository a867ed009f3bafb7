"""Make every planned image file, and clean every other raster file, from a cache, on every core.

images.plugin plans the variants and cards; any other raster image in the
output (a file Pelican copied from content/images/, say) is replaced by a
clean copy. Either way no published image keeps EXIF or XMP data, only its
colour profile (sitekit.images.imaging).

The cache lives beside the output folder (`.output.images/`). Every entry is
named by its content key, so a no-change rebuild encodes nothing, and entries
no build asked for are removed.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path, PurePosixPath

from PIL import Image, UnidentifiedImageError

from sitekit.core import forks
from sitekit.core.files import files_below, link_or_copy, replace_with
from sitekit.core.problems import Problem
from sitekit.core.state import BuildState
from sitekit.images import imaging


def cache_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.images"


def _make_and_store(job: imaging.Job, target: Path) -> str | None:
    """Encode one job into the cache; the error, in words, if the image cannot be read."""
    try:
        data = imaging.make(job)
    except (
        OSError,
        UnidentifiedImageError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as error:
        reason = str(error).replace(f"'{job.source}'", "").replace("  ", " ").strip()
        return (
            f"the image could not be read ({reason}). Replace it with a working JPEG or PNG file."
        )
    replace_with(data, target)
    return None


class Early:
    """The planned images missing from the cache, made by forked processes (sitekit.core.forks)
    from the moment the sources check has passed, while Pelican goes on writing.

    Forked processes rather than a pool: a pool runs threads in this process,
    and the build forks again later (pages.render).
    """

    def __init__(self, jobs: dict[str, imaging.Job], final_output: Path, workers: int) -> None:
        cache = cache_folder(final_output)
        cache.mkdir(parents=True, exist_ok=True)
        self.jobs = {n: j for n, j in jobs.items() if not (cache / j.cache_name).is_file()}
        items = sorted(self.jobs.items())
        self.processes = [
            forks.start(partial(_make_all, items[n::workers], cache)) for n in range(workers)
        ]

    def errors(self) -> dict[str, str]:
        """Wait for every image; what could not be made, by name."""
        found: dict[str, str] = {}
        for process in self.processes:
            found |= process.result()
        return found

    def cancel(self) -> None:
        for process in self.processes:
            process.stop()


def start_early(build: BuildState) -> None:
    """Start making the planned images (runner, once the sources check has passed)."""
    if build.image_jobs and build.options.processes() > 1:
        build.early_images = Early(build.image_jobs, build.output, build.options.processes())


def _make_all(items: list[tuple[str, imaging.Job]], cache: Path) -> dict[str, str]:
    made = ((name, _make_and_store(job, cache / job.cache_name)) for name, job in items)
    return {name: error for name, error in made if error}


def make_images(
    output: Path,
    final_output: Path,
    jobs: dict[str, imaging.Job],
    content_root: str = "content",
    workers: int | None = None,
    early: Early | None = None,
    max_pixels: int = imaging.MAX_PIXELS,
) -> tuple[list[Problem], int, int]:
    """Write every job's file into `output`; return (problems, made, reused).

    Jobs that `early` has made, or failed to make, count as made here. A copied
    file that cannot be read is named by where it came from, below `content_root`.
    """
    cache = cache_folder(final_output)
    cache.mkdir(parents=True, exist_ok=True)
    errors = early.errors() if early else {}
    made_early = dict(early.jobs) if early else {}
    planned = dict(jobs)
    for name in sorted(files_below(output)):
        if PurePosixPath(name).suffix.lower() in imaging.RASTER_SUFFIXES and name not in planned:
            planned[name] = imaging.clean_job(name, output / name, max_pixels)
    missing = {
        name: job
        for name, job in planned.items()
        if name not in errors and not (cache / job.cache_name).is_file()
    }
    if missing:
        items = sorted(missing.items())
        targets = [cache / job.cache_name for _, job in items]
        if len(items) == 1 or workers == 1:
            made = [
                _make_and_store(job, target)
                for (_, job), target in zip(items, targets, strict=True)
            ]
        else:
            with forks.executor(workers) as pool:
                made = list(pool.map(_make_and_store, [j for _, j in items], targets))
        errors |= {name: error for (name, _), error in zip(items, made, strict=True) if error}
    problems = [
        Problem(f"{content_root}/{name}" if job.kind == "clean" else job.source, None, error)
        for name, job in sorted(planned.items())
        if (error := errors.get(name))
    ]
    if problems:
        return problems, 0, 0
    missing |= {name: job for name, job in made_early.items() if name in planned}
    for name, job in planned.items():
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(cache / job.cache_name, target)
    used = {job.cache_name for job in planned.values()}
    for entry in cache.iterdir():
        if entry.name not in used:
            entry.unlink(missing_ok=True)
    return [], len(missing), len(planned) - len(missing)
