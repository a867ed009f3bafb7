"""The open page first: a saved Markdown file read again into the last good build's site,
and the pages open browsers show rendered from it at once, before the whole build.

The live preview's warm worker keeps the generators of its last good build (a
`Session`). When an editor saves an article or a page that the site already
has, the worker, before it starts the whole build:

1. checks the file as the build's sources check does (`runner.sources.check_files`);
   a problem shows the error page at once;
2. reads the file again with the generator's own readers (Pelican's content cache
   left out for it), as a new content object, and sends our `articles_read_again`
   or `pages_read_again` signal (sitekit.core.signals), on which each feature does
   what it does to one article on its own: its address, images, reading time,
   people, scroll boxes;
3. updates the old object in place, so that every list, tag and neighbour that
   holds it shows the new text, keeping what depends on the other articles
   (neighbours, related articles) from the last build;
4. renders the open pages through the generators' own `generate_output`, with a
   writer that renders only those pages and writes nothing (`OpenPagesWriter`).

The whole build follows at once, as it always did, and its pages are what
`output/` gets; the worker compares each page it showed early with the build's
own and reloads any that differ, so an early page that a change elsewhere made
different (a new title in another article's list of related articles) is put
right within the build's time. The early page is never the output.

The early page applies only where it can be right: the file is a Markdown source
the last build read, nothing logged a warning, and its address, status and
language are unchanged. Otherwise (a new file, an image, a renamed or drafted
article, a file with a problem the sources check does not know) the whole
build renders the open pages first, as before.

Why our own code: Pelican has no incremental build (its content cache spares
the Markdown conversion, but every build reads every file anew and writes every
page), and no plugin we know of keeps a site between builds.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator, TemplatePagesGenerator
from pelican.paginator import Paginator
from pelican.writers import Writer

from sitekit.core import collector, logs
from sitekit.core import signals as ours
from sitekit.core.state import BuildState
from sitekit.runner.sources import check_files

# The generators whose output goes through the writer (not the static files' copies).
WRITING = (ArticlesGenerator, PagesGenerator, TemplatePagesGenerator)


class _Kept:
    """Stands in for a Jinja template: renders the page only if it is one of those wanted."""

    def __init__(self, template: Any, writer: OpenPagesWriter) -> None:
        self.template = template
        self.writer = writer

    def render(self, localcontext: dict[str, Any]) -> str:
        name = localcontext["output_file"]
        if name in self.writer.wanted:
            self.writer.pages[name] = self.template.render(localcontext).encode("utf-8")
        return ""


class OpenPagesWriter(Writer):
    """Pelican's writer, rendering only the `wanted` pages (into `pages`), writing nothing.

    A page that is not wanted is skipped before its context is made, except a listing
    Pelican paginates, whose pages' names only its pagination knows."""

    def __init__(self, output_path: str, settings: dict[str, Any], wanted: frozenset[str]) -> None:
        super().__init__(output_path, settings=settings)
        self.wanted = wanted
        self.pages: dict[str, bytes] = {}

    def write_feed(self, *args: Any, **kwargs: Any) -> None:
        return None

    def write_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        if name not in self.wanted and not self._wanted_page(
            name, url, template_name, paginated, kwargs
        ):
            return
        super().write_file(
            name,
            _Kept(template, self),
            context,
            relative_urls,
            paginated,
            template_name,
            override_output,
            url,
            **kwargs,
        )

    def _wanted_page(
        self,
        name: str,
        url: str | None,
        template_name: str | None,
        paginated: dict | None,
        kwargs: dict[str, Any],
    ) -> bool:
        """Whether a listing Pelican paginates has a wanted page, named as Pelican's
        writer names them."""
        per_page = self.settings["PAGINATED_TEMPLATES"].get(template_name, False)
        lists = paginated or {key: kwargs[key] for key in ("articles", "dates") if key in kwargs}
        if per_page is False or not lists:
            return False
        paginator = Paginator(
            name,
            url,
            next(iter(lists.values())),
            self.settings,
            per_page or self.settings["DEFAULT_PAGINATION"],
        )
        return any(
            paginator.page(number).save_as in self.wanted
            for number in range(1, paginator.num_pages + 1)
        )

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        return io.StringIO()


class Session:
    """The last good build's site, kept by the live preview's worker between saves."""

    def __init__(self, build: BuildState, scratch: str) -> None:
        self.generators = [g for g in build.generators if isinstance(g, WRITING)]
        first = self.generators[0]
        self.settings, self.context = first.settings, first.context
        self.root = Path(self.settings["PATH"]).resolve()
        # What the build collected for its publishing steps, which nothing here reads.
        build.page_reads, build.page_digests, build.page_sources = {}, {}, {}
        build.writer = None
        # Where Pelican's writer makes the folders of the pages it would write (it writes
        # none here): one folder for the worker's life, so that later saves find them made.
        self.scratch = scratch

    def early(self, paths: Iterable[Path], wanted: frozenset[str]) -> tuple[list[str], dict]:
        """Check these saved files and read them again into the site: their problems, if
        any; else the wanted pages (names below the output) rendered from the site as it
        is now, or {} where an early page cannot be right (the whole build then renders
        the open pages first)."""
        # A pass of the collector over the whole site would take longer than all the rest.
        with collector.paused():
            try:
                return self._early(paths, wanted)
            except Exception:  # the whole build that follows reports it, with its file and line
                return [], {}

    def _early(self, paths: Iterable[Path], wanted: frozenset[str]) -> tuple[list[str], dict]:
        found = [self._known(Path(path)) for path in paths]
        if not all(found):
            return [], {}
        shown_from = Path.cwd()
        kinds = [
            (Path(old.source_path), "article" if kind is Article else "page") for old, kind in found
        ]
        if problems := check_files(self.settings, shown_from, kinds):
            return [str(p) for p in problems], {}
        with logs.collected_warnings() as messages:
            read = all(self._read_again(old, kind) for old, kind in found)
        if not read or messages or not wanted:
            return [], {}
        return [], self.render(wanted)

    def _known(self, path: Path) -> tuple[Any, type] | None:
        """The content object the last build read from this file, and its kind; None for a
        file that is gone or a symbolic link (the build's containment check refuses it),
        or that the last build did not read."""
        if path.is_symlink() or not path.is_file():
            return None
        try:
            relative = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None
        old = self.context["generated_content"].get(relative)
        kind = Article if isinstance(old, Article) else Page if isinstance(old, Page) else None
        return (old, kind) if kind else None

    def _read_again(self, old: Any, kind: type) -> bool:
        relative = old.get_relative_source_path()
        generator = next(
            g
            for g in self.generators
            if isinstance(g, ArticlesGenerator if kind is Article else PagesGenerator)
        )
        readers = generator.readers
        # Pelican's content cache would answer with the last build's text: its entry, by
        # the path as Pelican's read_file makes it.
        path = os.path.abspath(os.path.join(generator.path, relative))
        getattr(readers, "_cache", {}).pop(path, None)
        fresh = readers.read_file(
            base_path=generator.path, path=relative, content_class=kind, context=self.context
        )
        signal = ours.articles_read_again if kind is Article else ours.pages_read_again
        signal.send(generator, contents=[fresh])
        if (fresh.save_as, fresh.url, fresh.status, getattr(fresh, "lang", None)) != (
            old.save_as,
            old.url,
            old.status,
            getattr(old, "lang", None),
        ):
            return False
        fresh.refresh_metadata_intersite_links()
        attributes = vars(old)
        for field in old.metadata.keys() - fresh.metadata.keys():
            attributes.pop(field.lower(), None)
        attributes.update(vars(fresh))
        old.__class__ = fresh.__class__
        return True

    def render(self, wanted: frozenset[str]) -> dict[str, bytes]:
        """The wanted pages (names below the output), as the whole build would render them
        from the site as it is now; {} if anything logged a warning."""
        # Pelican keeps each text's content by its object, which the read has just changed.
        forget_pelican_memos()
        with logs.collected_warnings() as messages:
            writer = OpenPagesWriter(self.scratch, self.settings, wanted)
            for generator in self.generators:
                with _only_listings_of(generator, wanted):
                    generator.generate_output(writer)
        return {} if messages else writer.pages


@contextmanager
def _only_listings_of(generator: Any, wanted: frozenset[str]) -> Iterator[None]:
    """While an ArticlesGenerator writes, only the tags, categories and authors whose pages
    may be wanted: Pelican lists each one's articles by date before it writes its pages,
    a pass over every article for each of them."""
    if not isinstance(generator, ArticlesGenerator):
        yield
        return

    def may_be_wanted(term: Any) -> bool:
        # Its first page's name, and the names of its other pages (which start alike).
        first = term.save_as
        stem = os.path.splitext(first)[0].removesuffix("index")
        return first in wanted or any(name.startswith(stem) for name in wanted)

    kept = generator.tags, generator.categories, generator.authors
    tags, categories, authors = kept
    generator.tags = {tag: listed for tag, listed in tags.items() if may_be_wanted(tag)}
    generator.categories = [(c, listed) for c, listed in categories if may_be_wanted(c)]
    generator.authors = [(a, listed) for a, listed in authors if may_be_wanted(a)]
    try:
        yield
    finally:
        generator.tags, generator.categories, generator.authors = kept


def forget_pelican_memos() -> None:
    """Empty the caches of Pelican's `memoized` methods (a text's content and summary).
    Keyed by the article and the site's URL, they keep every article of every build for
    as long as the process lives; a build makes new articles, so they never hit across
    builds. (A private detail of Pelican: tests/test_pelican_contract.py.)"""
    from pelican.contents import Content
    from pelican.utils import memoized

    for value in vars(Content).values():
        if isinstance(value, memoized):
            value.cache.clear()
