"""Write .gz (zopfli) and .br (brotli, quality 11) twins of every text file.

pelican-precompress skips files below a minimum size and files that would not
shrink, and it drops a worker's errors. Hosts that serve twins expect one for
every text file, so this module writes all of them, checks that each one
decompresses to the original bytes, and lets any error fail the build.
"""

from __future__ import annotations

import gzip
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import brotli
import zopfli.gzip

TEXT_SUFFIXES = {".html", ".css", ".xml", ".txt", ".svg", ".json"}


def text_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())


def compress_one(path: Path) -> int:
    """Write both twins of one file; return the bytes written."""
    data = path.read_bytes()
    twins = {
        ".gz": (zopfli.gzip.compress(data), gzip.decompress),
        ".br": (brotli.compress(data, mode=brotli.MODE_TEXT, quality=11), brotli.decompress),
    }
    written = 0
    for suffix, (blob, decompress) in twins.items():
        if decompress(blob) != data:
            raise ValueError(f"{path}: the {suffix} twin does not decompress to the original")
        path.with_name(path.name + suffix).write_bytes(blob)
        written += len(blob)
    return written


def precompress(output: Path, workers: int | None = None) -> int:
    """Compress every text file below `output`, on every core; return how many."""
    files = text_files(output)
    if len(files) < 8 or workers == 1:
        for path in files:
            compress_one(path)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(compress_one, files, chunksize=8))
    return len(files)
