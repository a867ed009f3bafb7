"""The Markdown reader: articles converted on every core, and their table of contents kept.

Pelican reads one file after another on one core, and builds a new Markdown
instance for every file (a fifth of the reading time at 1,000 articles). This
reader keeps one instance per process and resets it between files, and, when
a generator starts, converts every file it is about to read in a pool of
forked processes (the ``workers`` option; 1 converts in this process, as
Pelican does). No plugin we know of does this: pelican-plugins has none, and
Pelican's own ``PARALLEL`` work never landed.

Only the Markdown conversion runs in the pool. The metadata is processed here,
by Pelican's own ``process_metadata``, because it makes Category, Tag and date
objects that belong to this process; so ``metadata()`` repeats the few lines
of Pelican's ``_parse_metadata`` that sort fields into formatted, single and
repeated ones. A file the pool failed on is converted again here, so its
error is reported where Pelican would report it. A test builds the same site
with 1 and 2 workers and requires byte-identical output.

Footnotes become a "Sources" section (sitekit.markdown.footnotes).

Every text, the fields Pelican formats (the Summary) and the table of contents
are sanitized against sitekit.markdown.sanitize's allowlist, here, before any
plugin adds its own markup: whatever a source holds, no script, style, frame,
form or address with another scheme reaches a page or a feed. The sources check
refuses such a source first; this is the second line.

A text's "# Heading" is shown as <h2> (sitekit.markdown.headings): the reader
keeps that in the metadata, and the runner prints one note for the file.

Pelican throws away the table of contents the Markdown ``toc`` extension
builds; this reader keeps it as the ``toc`` metadata of articles with at
least ``toc_min_headings`` headings (sitekit.core.state.Options).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from markdown import Markdown
from markupsafe import Markup
from pelican import readers, signals
from pelican.utils import pelican_open

from sitekit.core import forks, state
from sitekit.core.problems import display_path
from sitekit.markdown import editor_notes, footnotes, sanitize
from sitekit.markdown.reading_time import WORDS, count_words

logger = logging.getLogger(__name__)

# The metadata of a text whose headings were moved a level down (sitekit.markdown.headings).
SHIFTED = "shifted_headings"
SHIFTED_NOTE = (
    "its '# ' headings are shown one level lower ('#' as <h2>, '##' as <h3>...), since the "
    "title is the page's one <h1>. Write '## ' for a section and '### ' below it, and this "
    "note goes away."
)

# Below this many files a pool costs more than it saves.
POOL_MIN_FILES = 32
# Files handed to a worker at a time.
CHUNK = 16


def count_headings(tokens: list[dict[str, Any]]) -> int:
    return sum(1 + count_headings(token["children"]) for token in tokens)


@dataclass(frozen=True)
class Converted:
    """What Markdown makes of one file: plain data, so it crosses processes."""

    content: str
    meta: dict[str, list[str]]
    # Formatted fields (FORMATTED_FIELDS, such as Summary), lower-cased name -> HTML.
    formatted: dict[str, str]
    toc: str
    headings: int
    # The words of the text, for markdown.reading_time: counted here, where the work is
    # shared between processes and kept in Pelican's content cache.
    words: int
    # Fields Pelican makes plain values of (PARSED: dates, by dateutil, 0.15 ms each),
    # lower-cased name -> the value Pelican's own processor gave for the first definition.
    parsed: dict[str, Any]
    # Whether the text's headings were moved a level down (sitekit.markdown.headings).
    shifted_headings: bool = False


class Converter:
    """One Markdown instance for bodies and one for formatted fields, reused file after file."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.formatted_fields = settings["FORMATTED_FIELDS"]
        self.footnotes_heading = settings.get("FOOTNOTES_HEADING", "Sources")
        self.body = Markdown(**settings["MARKDOWN"])
        self.fields = Markdown(**settings["MARKDOWN"])
        # As Pelican does before it converts a field: no metadata inside a field.
        self.fields.preprocessors.deregister("meta")

    def convert(self, path: str) -> Converted:
        self.body.reset()
        with pelican_open(path) as text:
            content = sanitize.clean(
                footnotes.as_sources(self.body.convert(text), self.footnotes_heading)
            )
        meta = dict(getattr(self.body, "Meta", {}))
        formatted = {}
        for name, value in meta.items():
            if name.lower() in self.formatted_fields:
                self.fields.reset()
                formatted[name.lower()] = sanitize.clean(self.fields.convert("\n".join(value)))
        return Converted(
            content,
            meta,
            formatted,
            sanitize.clean(getattr(self.body, "toc", "")),
            count_headings(getattr(self.body, "toc_tokens", [])),
            count_words(editor_notes.without_notes(content)),
            parsed(meta),
            getattr(self.body, "headings_shifted", False),
        )


# Metadata Pelican turns into values that belong to no process (unlike a Category or
# a Tag), so they can be worked out where the file is converted.
PARSED = ("date", "modified")


def parsed(meta: dict[str, list[str]]) -> dict[str, Any]:
    """Pelican's own processing of the PARSED fields; one it refuses is left to the main
    process, which reports it as Pelican would."""
    values = {}
    for name, value in meta.items():
        if name.lower() in PARSED and value:
            try:
                values[name.lower()] = readers.METADATA_PROCESSORS[name.lower()](value[0], None)
            except Exception:
                continue
    return values


# The converter a pool worker inherits when it is forked.
_worker_converter: Converter | None = None


def _convert_in_worker(path: str) -> Converted | None:
    assert _worker_converter is not None
    try:
        return _worker_converter.convert(path)
    except Exception:
        # Converted again in the main process, which reports the error as Pelican would.
        return None


class SiteMarkdownReader(readers.MarkdownReader):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._converter: Converter | None = None
        self.prefetched: dict[str, Converted] = {}

    @property
    def converter(self) -> Converter:
        if self._converter is None:
            self._converter = Converter(self.settings)
        return self._converter

    def prefetch(self, paths: list[str]) -> None:
        """Convert these files in a pool of forked processes, ahead of `read`."""
        build = state.of(self.settings)
        count = min(build.options.processes(), len(paths) // CHUNK)
        if count < 2 or len(paths) < POOL_MIN_FILES:
            return
        build.processes["read"] = count
        build.progress.stage("reading", len(paths))
        global _worker_converter
        _worker_converter = self.converter
        try:
            with forks.pool(count) as pool:
                results = []
                for result in pool.imap(_convert_in_worker, paths, chunksize=CHUNK):
                    results.append(result)
                    build.progress.advance()
        finally:
            _worker_converter = None
        self.prefetched.update(
            (path, result) for path, result in zip(paths, results, strict=True) if result
        )

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        self._source_path = source_path
        converted = self.prefetched.pop(source_path, None) or self.converter.convert(source_path)
        return converted.content, self.metadata(converted)

    def metadata(self, converted: Converted) -> dict[str, Any]:
        output: dict[str, Any] = {}
        for name, value in converted.meta.items():
            name = name.lower()
            if name in converted.formatted:
                output[name] = self.process_metadata(name, converted.formatted[name])
            elif not readers.DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    logger.warning(
                        "Duplicate definition of `%s` for %s. Using first one.",
                        name,
                        self._source_path,
                    )
                if name in converted.parsed:
                    output[name] = converted.parsed[name]
                else:
                    output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        output[WORDS] = converted.words
        if converted.shifted_headings:
            # Kept with the metadata, so that Pelican's content cache keeps it too.
            output[SHIFTED] = True
        if converted.headings >= state.of(self.settings).options.toc_min_headings:
            # Generated by the toc extension from the already-escaped headings.
            output["toc"] = Markup(converted.toc)
        return output


def use_reader(pelican_readers: Any) -> None:
    # `readers_init`: before any file is read.
    for extension in SiteMarkdownReader.file_extensions:
        pelican_readers.reader_classes[extension] = SiteMarkdownReader


def _stamp_once(generator: Any) -> None:
    """Hash each source file once a build, not four times.

    Pelican's content cache (CHECK_MODIFIED_METHOD = "sha256") hashes a file when
    the generator and the reader each look it up and each store it, by absolute path.
    """
    hashed: dict[str, Any] = {}
    for cacher in (generator, generator.readers):
        stamp = getattr(cacher, "_filestamp_func", None)
        if stamp is not None:
            cacher._filestamp_func = partial(_remembered, hashed, stamp)


def _remembered(hashed: dict[str, Any], stamp: Callable[[str], Any], filename: str) -> Any:
    path = os.path.abspath(filename)
    if path not in hashed:
        hashed[path] = stamp(path)
    return hashed[path]


def _prefetch(generator: Any, kind: str) -> None:
    """Convert the files the generator is about to read: the list generate_context reads."""
    _stamp_once(generator)
    reader = generator.readers.readers.get("md")
    if not isinstance(reader, SiteMarkdownReader):
        return
    settings = generator.settings
    paths = []
    for relative in sorted(
        generator.get_files(settings[f"{kind}_PATHS"], exclude=settings[f"{kind}_EXCLUDES"])
    ):
        if Path(relative).suffix.lstrip(".") not in reader.file_extensions:
            continue
        path = os.path.abspath(os.path.join(generator.path, relative))
        # A file Pelican's content cache holds is not converted at all.
        if generator.readers.get_cached_data(path, None) is None:
            paths.append(path)
    reader.prefetch(paths)


def prefetch_articles(generator: Any) -> None:
    # `article_generator_init`: its readers exist, and it has read nothing yet.
    _prefetch(generator, "ARTICLE")


def prefetch_pages(generator: Any) -> None:
    # `page_generator_init`: the same, for pages.
    _prefetch(generator, "PAGE")


def note_shifted_headings(content: Any) -> None:
    """`content_object_init`: one note for each text whose headings were moved down; every
    build, since an article from Pelican's content cache has its metadata too."""
    if content.metadata.get(SHIFTED) and content.source_path:
        shown = display_path(Path(content.source_path))
        state.of(content.settings).notices[shown] = SHIFTED_NOTE


def register() -> None:
    signals.readers_init.connect(use_reader)
    signals.content_object_init.connect(note_shifted_headings)
    signals.article_generator_init.connect(prefetch_articles)
    signals.page_generator_init.connect(prefetch_pages)
