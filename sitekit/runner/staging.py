"""Build into a staging folder beside the output, and swap it in only when all went well.

Pelican writes file by file and can empty the output first
(DELETE_OUTPUT_DIRECTORY); a failed or interrupted build must leave the
previous output exactly as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def new_staging_folder(output: Path) -> Path:
    """An empty folder beside the output, which the swap makes the output: the web root.

    It gets the mode of any folder the build makes (0755 under the usual umask), not
    mkdtemp's 0700, meant for a private folder in a shared /tmp: that would keep a web
    server's user out of the whole site, and rsync -p would carry it to the server.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.staging-"))
    folder.rmdir()  # mkdtemp found a free name; mkdir makes it with the mode the umask allows
    folder.mkdir()
    return folder


def remove_leftovers(output: Path) -> None:
    """Staging folders and retired outputs of builds that were killed before they could clean up.

    A retired output is deleted without waiting, as the swap deletes it: the one the last
    build retired may still be being deleted when the next build starts (the live
    preview builds again at the next save), and nothing reads it.
    """
    for leftover in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        delete_later(leftover)


def swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` with `staging`: two renames, the old copy removed last.

    The standard library has no atomic exchange of two folders; an interrupt
    between the renames leaves the old output under a `.old-` name, which the
    next build removes.
    """
    retired = None
    if output.exists():
        retired = retired_name(output)
        output.rename(retired)
    staging.rename(output)
    if retired is not None:
        delete_later(retired)


def discard_later(staging: Path, output: Path) -> None:
    """Delete a staging folder without waiting, as a retired output: the live preview's
    build that a newer save cancelled, whose next build should not wait for it."""
    retired = retired_name(output)
    staging.rename(retired)
    delete_later(retired)


def retired_name(output: Path) -> Path:
    """A free name beside the output for a folder on its way out (`remove_leftovers`
    deletes what a killed build left under such names)."""
    retired = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.old-"))
    retired.rmdir()
    return retired


def delete_later(folder: Path) -> None:
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
