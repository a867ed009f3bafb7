"""Python's cyclic garbage collector during a build: off in the build's own process,
on in the processes it forks, over their own objects only.

Nearly every object the build's own process makes lives until the build ends:
the articles, their HTML, Pelican's content cache, the queue of pages. The
collector's full passes walk the whole heap and find almost nothing to free.
A no-change rebuild of 5,000 articles made five full passes, 0.5 s of its
5.3 s, and left only a few hundred objects in cycles when it ended. So:

- the build pauses the collector (`paused`) and gives it back as it found it,
  so a caller that lives on (the tests, which build many times in one process)
  collects what the build left;
- a forked process (sitekit.core.forks: one for a large task, or a pool for the
  reading, the images and the compression) freezes what it inherited and runs
  the collector on what it makes itself (`in_forked_process`): its passes stay
  small, and they no longer write to every inherited object's header, which
  would copy the parent's memory pages into the child.

Reference counting frees everything else as always: only cycles wait.
Measured with `python -m sitekit.runner` on the bench's generated sites,
alternating builds with and without the pause: a no-change rebuild of 5,000
articles took 4.46 s against 5.19 (medians of four), with a peak of 214 MB
against 213; of 1,000 articles, 1.23 s against 1.30 (medians of six).

The standard library has the parts (gc.disable, gc.freeze); what is ours is
where a build uses them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection in this process until the end; then the collector as it was found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def in_forked_process() -> None:
    """Keep the collector off everything this process inherited, and on for what it makes."""
    gc.freeze()
    gc.enable()
