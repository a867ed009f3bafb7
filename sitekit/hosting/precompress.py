"""Write .gz (zlib, level 9) and .br (brotli, quality 5) twins of every text file.

pelican-precompress skips files below a minimum size and files that would not
shrink, and it drops a worker's errors. Hosts that serve twins expect one for
every text file, so this module writes all of them, checks that each one
decompresses to the original bytes, and lets any error fail the build.

The compressors are chosen by measurement (`invoke bench` prints the table).
Zopfli made .gz files 2.5% smaller than zlib's level 9 at about 135 times the
time, for the format only clients without brotli receive: not worth it.
Brotli's quality 11 made the .br files of a 1,000-article site 11% smaller than
quality 5 (6.0 MB against 6.8 MB), about 470 bytes a page, for 48 times the
CPU time (30 s against 0.6 s): on its own, more than the rest of the build.
Qualities 6 to 8 save under 0.2% more; 9 and 10 cost 15 to 22 times as much.
The work is spread over every core, and a file whose bytes equal the last good
build's keeps that build's twins.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

from sitekit.core import forks
from sitekit.core.files import TWIN_SUFFIXES, link_or_copy, replace_with
from sitekit.core.progress import Progress

TEXT_SUFFIXES = {".html", ".css", ".xml", ".txt", ".svg", ".json", ".js"}
GZIP_LEVEL = 9
BROTLI_QUALITY = 5


def text_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())


DECOMPRESS = {".gz": gzip.decompress, ".br": brotli.decompress}


def compress_one(path: Path) -> int:
    """Write both twins of one file; return the bytes written."""
    data = path.read_bytes()
    twins = {
        # mtime=0: the same bytes on every build.
        ".gz": gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
        ".br": brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY),
    }
    written = 0
    for suffix, blob in twins.items():
        if DECOMPRESS[suffix](blob) != data:
            raise ValueError(f"{path}: the {suffix} twin does not decompress to the original")
        replace_with(blob, path.with_name(path.name + suffix))
        written += len(blob)
    return written


def reuse_twins(path: Path, output: Path, previous: Path | None) -> bool:
    """Link the last build's twins when this file's bytes did not change; say whether it did.

    The previous output is read back, so each twin is checked to decompress to
    this file's bytes before it is trusted.
    """
    if previous is None:
        return False
    before = previous / path.relative_to(output)
    twins = {suffix: before.with_name(before.name + suffix) for suffix in TWIN_SUFFIXES}
    if not (before.is_file() and all(t.is_file() for t in twins.values())):
        return False
    data = path.read_bytes()
    if before.read_bytes() != data:
        return False
    if any(DECOMPRESS[suffix](twin.read_bytes()) != data for suffix, twin in twins.items()):
        return False
    for twin in twins.values():
        target = path.with_name(twin.name)
        link_or_copy(twin, target)
    return True


def precompress(
    output: Path,
    previous: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Give every text file below `output` its twins, on every core; return (compressed, reused)."""
    progress = progress or Progress(enabled=False)
    every = text_files(output)
    files = [path for path in every if not reuse_twins(path, output, previous)]
    progress.stage("compressing", len(files))
    if len(files) < 8 or workers == 1:
        for path in files:
            compress_one(path)
            progress.advance()
    else:
        with forks.executor(workers) as pool:
            for _ in pool.map(compress_one, files, chunksize=8):
                progress.advance()
    return len(files), len(every) - len(files)
