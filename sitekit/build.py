"""Build the site the one way every caller uses: `invoke build`, the tests, the benchmark.

- Pelican runs in-process into a staging folder beside the output folder.
- Any warning or error that Pelican or a plugin logs fails the build. Each one
  is printed on a single line (no rich wrapping, no traceback).
- Only a build with no problems is swapped into place, so a failed build leaves
  the previous output untouched.

Run it as ``python -m sitekit.build [--production] [--output DIR] [--content DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sitekit import render_cache
from sitekit.validate import display_path, validate

PROJECT = Path(__file__).resolve().parent.parent
LOCAL_SETTINGS = PROJECT / "pelicanconf.py"
PRODUCTION_SETTINGS = PROJECT / "publishconf.py"


class SettingsError(Exception):
    """The build cannot start: the settings or paths are wrong."""


@dataclass
class BuildResult:
    output: Path
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    reused: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def one_line(text: str) -> str:
    """Fold a multi-line log message into one line, with project paths made relative."""
    text = text.replace(str(PROJECT) + os.sep, "")
    return "; ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


class _Collector(logging.Handler):
    """Keeps every warning and error logged during a build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(one_line(record.getMessage()))


@contextmanager
def _collect_logs():
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector.messages
    finally:
        root.removeHandler(collector)


@contextmanager
def _quiet_pelican_console():
    # Pelican prints its own "Done: ..." line through rich; we print ours.
    from pelican.log import console

    was_quiet = console.quiet
    console.quiet = True
    try:
        yield
    finally:
        console.quiet = was_quiet


def check_output_path(output: Path, settings: dict, settings_file: Path) -> None:
    """Refuse an output folder that would overwrite or swallow the sources."""
    output = output.resolve()
    protected = {
        "the project folder": settings_file.resolve().parent,
        "the content folder": Path(settings["PATH"]).resolve(),
        "the theme folder": Path(settings["THEME"]).resolve(),
    }
    for name, path in protected.items():
        if output == path or path.is_relative_to(output):
            raise SettingsError(
                f"refusing to build into {output}: it is {name} or contains it. "
                "Choose a separate output folder."
            )
        if name != "the project folder" and output.is_relative_to(path):
            raise SettingsError(
                f"refusing to build into {output}: it is inside {name}. "
                "Choose a separate output folder."
            )


def _remove_leftovers(output: Path) -> None:
    """Staging folders of builds that were killed before they could clean up."""
    for leftover in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` with `staging`: two renames, the old copy removed last."""
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-"))
        retired.rmdir()
        output.rename(retired)
    staging.rename(output)
    if retired is not None:
        _delete_later(retired)


def _delete_later(folder: Path) -> None:
    """Delete the retired output without waiting: the new one is already in place.

    If the deletion is cut short, the next build removes what is left.
    """
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    subprocess.Popen(
        [rm, "-rf", "--", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def check_site_url(site_url: str) -> None:
    """A production address must be absolute https://, or every link in the output is wrong."""
    parts = urlsplit(site_url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        shown = f"'{site_url}'" if site_url else "not set"
        raise SettingsError(
            f"SITEURL is {shown}: a production build needs the site's absolute https:// address, "
            "for example SITEURL=https://example.org invoke build --production"
        )


# Settings that change what the readers produce: a different value needs a fresh cache.
_READER_SETTINGS = (
    "MARKDOWN",
    "FORMATTED_FIELDS",
    "READERS",
    "TOC_MIN_HEADINGS",
    "TIMEZONE",
    "DEFAULT_DATE_FORMAT",
    "GZIP_CACHE",
    "CONTENT_CACHING_LAYER",
    "CHECK_MODIFIED_METHOD",
)


def cache_folder(settings: dict, output: Path) -> Path:
    """Where Pelican's content cache lives: beside the output folder, never inside it.

    Pelican does not invalidate its cache when settings or reader code change,
    so the folder is named by a hash of everything that shapes what is cached.
    """
    import markdown
    import pelican

    from sitekit import toc

    key = repr(
        (
            [repr(settings.get(name)) for name in _READER_SETTINGS],
            pelican.__version__,
            markdown.__version__,
            Path(toc.__file__).read_text("utf-8"),
        )
    )
    return output.parent / f".{output.name}.cache" / hashlib.sha256(key.encode()).hexdigest()[:16]


def load_settings(settings_file: Path, output: Path | None, content: Path | None) -> dict:
    from pelican.settings import read_settings

    if not settings_file.is_file():
        raise SettingsError(f"settings file not found: {settings_file}")
    override = {}
    if content is not None:
        override["PATH"] = str(content.resolve())
    settings = read_settings(str(settings_file), override=override)
    if settings.get("REQUIRE_HTTPS_SITEURL"):
        check_site_url(settings["SITEURL"])
    if output is not None:
        settings["OUTPUT_PATH"] = str(output.resolve())
    settings["CACHE_PATH"] = str(cache_folder(settings, Path(settings["OUTPUT_PATH"])))
    return settings


def build(
    settings_file: Path = LOCAL_SETTINGS,
    output: Path | None = None,
    content: Path | None = None,
) -> BuildResult:
    """Build the site; raise SettingsError if it cannot start."""
    from pelican import Pelican

    started = time.perf_counter()
    # Collect from the start: Pelican already logs warnings while reading settings.
    with _collect_logs() as messages, _quiet_pelican_console():
        settings = load_settings(Path(settings_file), output, content)
        output = Path(settings["OUTPUT_PATH"])
        check_output_path(output, settings, Path(settings_file))
        result = BuildResult(output=output)
        problems = validate(settings, Path.cwd())
        if problems:
            result.problems = [str(p) for p in problems]
            result.seconds = time.perf_counter() - started
            return result
        output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(output)
        staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.staging-"))
        settings["OUTPUT_PATH"] = str(staging)
        # sitekit.render_cache reuses unchanged pages from the last good output.
        settings["FINAL_OUTPUT_PATH"] = str(output)
        # The swap replaces the folder as a whole; Pelican must never empty it first.
        settings["DELETE_OUTPUT_DIRECTORY"] = False
        try:
            try:
                Pelican(settings).run()
            except Exception as error:  # noqa: BLE001 - reported as a build problem
                messages.append(one_line(describe_exception(error)))
            result.problems = list(messages)
            result.pages = sum(1 for _ in staging.rglob("*.html"))
            result.reused = settings.get("RENDER_STATS", {}).get("reused", 0)
            if result.ok:
                _swap_into_place(staging, output)
                render_cache.commit(settings["CACHE_PATH"])
            else:
                render_cache.discard(settings["CACHE_PATH"])
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitekit.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--production", action="store_true", help="use publishconf.py")
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
        result = build(settings_file, output=args.output, content=args.content)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Build interrupted; the output folder was left as it was.", file=sys.stderr)
        return 130
    if not result.ok:
        for problem in result.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(
            f"Build failed with {len(result.problems)} problem(s); "
            f"{display_path(result.output)}/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    reused = f" ({result.reused} unchanged files reused)" if result.reused else ""
    print(
        f"Built {result.pages} pages into {display_path(result.output)}/ in {result.seconds:.2f} s{reused}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
