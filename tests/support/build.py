"""Build a site from a test: in-process, exactly as `invoke build` does, or in a process of its own."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sitekit import runner as site_build
from tests.support.pages import PRODUCTION_URL

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    output: Path


@contextlib.contextmanager
def environment(env: dict[str, str] | None):
    """Set environment variables for the duration of the block (publishconf.py reads SITEURL)."""
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_build(*args, output, env=None, production=False) -> Run:
    """Build in this process through sitekit.runner's command line, as `invoke build` does.

    `production=True` builds with publishconf.py for PRODUCTION_URL.
    """
    if production:
        args, env = ("--production", *args), {"SITEURL": PRODUCTION_URL, **(env or {})}
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["--output", str(output), *map(str, args)]
    with environment(env), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = site_build.main(argv)
    return Run(code, stdout.getvalue(), stderr.getvalue(), Path(output))


def run_invoke(*args: str, **options) -> subprocess.CompletedProcess:
    """`invoke ARGS` from the project folder, in a process of its own, its output captured."""
    options = {"cwd": ROOT, "check": False, "capture_output": True, "text": True, **options}
    return subprocess.run([sys.executable, "-m", "invoke", *args], **options)


def run_build_process(*args, output, env=None, **popen) -> Run:
    """Build in a process of its own: for what only a process shows (hash seeds, signals, imports)."""
    completed = subprocess.run(
        site_build.command_line("--output", output, *args),
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        **popen,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr, Path(output))


def modes(folder: Path) -> dict[Path, int]:
    """`folder` and every folder and file below it -> its permission bits."""
    return {p: stat.S_IMODE(p.lstat().st_mode) for p in [folder, *folder.rglob("*")]}


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file below `folder` and its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(expected: dict[Path, bytes], actual: dict[Path, bytes]) -> list[str]:
    """What differs between two snapshots, by path."""
    missing = [f"missing {p}" for p in expected.keys() - actual.keys()]
    extra = [f"extra {p}" for p in actual.keys() - expected.keys()]
    changed = [f"changed {p}" for p in expected.keys() & actual.keys() if expected[p] != actual[p]]
    return sorted(missing + extra + changed)


def leftovers(folder: Path) -> list[str]:
    """Staging folders a build left behind (retired outputs are deleted in the background)."""
    return sorted(p.name for p in folder.iterdir() if re.match(r"\.output\.staging-", p.name))


def write_images(folder: Path, photo_size: tuple[int, int] = (2400, 1600)) -> dict[str, Path]:
    """A photo with GPS data and a colour profile, a portrait stored sideways, and a PNG diagram."""
    from PIL import Image, ImageCms, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    width, height = photo_size
    photo = Image.new("RGB", photo_size, (180, 120, 90))
    draw = ImageDraw.Draw(photo)
    for x in range(0, width, 60):
        draw.line([(x, 0), (width - x, height)], fill=(x % 255, 90, 200), width=7)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPS
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    paths = {
        "photo": folder / "photo.jpg",
        "portrait": folder / "portrait.jpg",
        "diagram": folder / "diagram.png",
    }
    photo.save(paths["photo"], exif=exif, icc_profile=srgb, quality=90)
    sideways = Image.new("RGB", (1600, 1200), (90, 140, 200))
    ImageDraw.Draw(sideways).rectangle((0, 0, 400, 1200), fill=(20, 20, 20))
    turned = Image.Exif()
    turned[0x0112] = 6  # Orientation: rotate 90 degrees to show
    sideways.save(paths["portrait"], exif=turned)
    Image.new("RGBA", (900, 500), (250, 250, 250, 255)).save(paths["diagram"])
    return paths
