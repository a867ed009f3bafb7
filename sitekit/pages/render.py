"""Render every page on every build, in parallel, and write only the pages whose bytes changed.

Page reuse used to key each page by a list of the fields its template shows;
every field a template read and the list forgot went stale without a word.
Here nothing is keyed: every page is rendered from its full context on every
build, so whatever a template reads reaches the page by construction. Only
the *write* is saved: a page whose bytes equal the last good output's file of
the same name is hard-linked from it (a copy where links are not possible).

Rendering costs about 0.4 ms a page. While Pelican writes, the writer only
queues each page with its context; once every page is known (`finalized`),
the queue is dealt out to forked processes (`workers` option,
sitekit.core.forks), which share the context without pickling it. Each
process renders its pages, compares, writes or links, and runs the page
readers that features registered in `BuildState.page_readers` (the search
index's text) on each page that changed; what they read comes back by the
page's sha256.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from sitekit.core import forks, state
from sitekit.core.files import link_or_copy, replace_with
from sitekit.core.state import BuildState

logger = logging.getLogger(__name__)

# Fewer pages than this per process, and a fork costs more than it saves.
POOL_MIN_PAGES = 64


class _DeferredTemplate:
    """Stands in for a Jinja template: queues the page, to be rendered on `finalized`."""

    def __init__(self, template: Any, writer: DeferredWriter) -> None:
        self.template = template
        self.writer = writer

    def render(self, localcontext: dict) -> str:
        return self.writer.defer(self.template, localcontext)


@dataclass
class _Pending:
    """A page to render once every page is known: its file, template and whole context."""

    name: str
    path: str
    template: Any
    localcontext: dict[str, Any]


# What a process sends back for one page: its name, the sha256 of its bytes, and what
# the page readers read of it (None for a page whose bytes equal the last output's).
Settled = tuple[str, str, dict[str, Any] | None]


class DeferredWriter(Writer):
    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.build = state.of(settings)
        self.pending: list[_Pending] = []
        # The files of the pages `flush` renders, which Pelican must not write.
        self._ours: set[str] = set()
        self.build.writer = self

    def write_file(
        self, name: str, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        return super().write_file(name, _DeferredTemplate(template, self), context, *args, **kwargs)

    def defer(self, template: Any, localcontext: dict[str, Any]) -> str:
        """Always "": `flush` renders the page.

        Pelican writes what this returns through `_open_w`, which leaves the
        file to us.
        """
        state.stop_if_cancelled(self.build)
        name = localcontext["output_file"]
        path = sanitised_join(self.output_path, name)
        self.pending.append(_Pending(name, path, template, localcontext))
        self._ours.add(path)
        if name in self.build.first_pages and self.build.first_page is not None:
            # The page an open browser shows, rendered now as Pelican's own writer would;
            # `flush` renders it again with the others and writes that.
            self.build.first_page(name, template.render(localcontext).encode("utf-8"))
        return ""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's bookkeeping of written files, without writing the pages `flush` renders.

        A page written twice (an article whose `Save_as` is a listing's file) follows
        Pelican's rule: a write with `override` stays, and a second one is skipped;
        two without it stop the build. `defer` has just queued this write's page.
        """
        if filename not in self._ours:
            return super()._open_w(filename, encoding, override)
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', filename)
            self.pending.pop()
            return io.StringIO()
        if filename in self._written_files:
            if not override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)"
                )
            logger.info('Overwriting "%s"', filename)
            self.pending[:-1] = [page for page in self.pending[:-1] if page.path != filename]
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return io.StringIO()

    def flush(self, workers: int) -> None:
        """Render every queued page in `workers` processes, dealt out in turn so that each
        gets its share of articles and listings. An error stops the build as it would
        have in this process; the warnings a process logged are logged here."""
        pending, self.pending = self.pending, []
        count = max(1, min(workers, len(pending) // POOL_MIN_PAGES))
        self.build.processes["render"] = count
        self.build.progress.stage("writing", len(pending))
        children = [forks.start(partial(self._settle, pending[n::count])) for n in range(1, count)]
        try:
            # The other processes keep pace: each page here stands for `count` pages.
            results = self._settle(pending[::count], partial(self.build.progress.advance, count))
            for child in children:
                results += child.result()
        finally:
            for child in children:
                child.stop()
        for name, digest, read in results:
            self.build.page_digests[name] = digest
            if read is None:
                self.build.reused += 1
            else:
                self.build.rendered_pages.append(name)
                for reader, value in read.items():
                    self.build.page_reads.setdefault(reader, {})[digest] = value

    def _settle(
        self, pages: list[_Pending], done: Callable[[], None] = lambda: None
    ) -> list[Settled]:
        previous = self.build.previous
        readers = self.build.page_readers
        results = []
        for page in pages:
            done()
            state.stop_if_cancelled(self.build)
            text = page.template.render(page.localcontext)
            data = text.encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            if previous is not None and _same_bytes(previous / page.name, data):
                link_or_copy(previous / page.name, Path(page.path))
                results.append((page.name, digest, None))
                continue
            replace_with(data, Path(page.path))
            read = {reader: read_page(text, data) for reader, read_page in readers.items()}
            results.append((page.name, digest, read))
        return results


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def remove_other_caches(build: BuildState) -> None:
    """Once the new output is in place: caches made for other code or settings can never
    match again."""
    for other in build.cache.parent.iterdir():
        if other != build.cache:
            shutil.rmtree(other, ignore_errors=True)


def provide_writer(pelican: Any) -> type[Writer]:
    # `get_writer`: Pelican instantiates the class it is given.
    return DeferredWriter


def flush(pelican: Any) -> None:
    # `finalized`: every generator has queued its pages; they are rendered now.
    build = state.of(pelican.settings)
    if build.writer is not None:
        build.writer.flush(build.options.processes())


def register() -> None:
    signals.get_writer.connect(provide_writer)
    signals.finalized.connect(flush)
