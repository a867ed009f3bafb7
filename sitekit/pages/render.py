"""Skip re-rendering pages whose inputs did not change since the last good build.

Pelican renders every page on every build, even with its content cache: a
one-edit rebuild of 1,000 articles still renders 1,600 pages. This plugin
swaps in a writer that gives each page a key, a hash of everything the page
can show:

- everything besides content that shapes a page: our code and every loaded
  plugin's, the theme (templates, stylesheet, static files), the settings and
  the package versions (sitekit.core.inputs, computed once per build);
- every value the page's template receives besides the settings: for an article,
  its HTML, metadata, neighbours and related articles; for a listing, the
  articles on that page; for pages that list everything, every article's
  metadata.

While Pelican writes, the writer only queues each page. Once every page is
known (`finalized`), the queue is dealt out to forked processes, which compute
the keys and settle each page: when its key equals the one recorded for the
same file by the last good build, and that file's bytes still have the digest
recorded with it, the file is reused instead of rendering, hard-linked from
the last output into the new one (a copy where links are not possible) and
never written again. The runner writes the keys (``commit``) only after it has
swapped the new output into place, so they always describe the files in the
output folder. Tests build incrementally and cold and require
byte-identical output, and change a template filter to see it take effect.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Content, Static
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from sitekit.core import forks, state
from sitekit.core.files import link_or_copy, replace_with
from sitekit.core.state import BuildState
from sitekit.links.publish import Page as Links
from sitekit.links.publish import read_html
from sitekit.search.publish import indexed_text

logger = logging.getLogger(__name__)

MANIFEST = "render-keys.json"
# What a page may show of an article it lists as its own (a listing page's
# articles, related articles): the "listed" view.
SHOWN_FIELDS = (
    "title",
    "url",
    "date",
    "modified",
    "summary",
    "status",
    "slug",
    "lang",
    "reading_minutes",
    "scheduled",
    "toc",
    # people.plugin: who wrote it, who reviewed it and when.
    "person",
    "reviewer",
    "reviewer_page",
    "last_reviewed",
)
# What a page may show of articles it only links to: its neighbours, and every
# article in the context all pages share (navigation, the 404 page's newest few).
# A template that shows more of them (a summary, the reading time) must receive
# them as its own listing, or edits will not reach it: the rebuild tests would fail.
LABEL_FIELDS = ("title", "url", "date", "status", "slug", "lang", "scheduled")
VIEWS = {"listed": SHOWN_FIELDS, "label": LABEL_FIELDS}


# The whole lists Pelican hands a page beside its own page of them
# (`articles_page`, `dates_page`, which get the listed view): templates list
# summaries only through those pages.
# The neighbouring pages of a listing are linked by their number alone.
def own_view(name: str) -> str:
    if name in ("articles", "dates", "all_articles") or name.endswith(
        ("_previous_page", "_next_page")
    ):
        return "label"
    return "listed"


# Context entries that say nothing about a page's text.
# (staticfiles comes in set order, which changes from process to process; no template shows it.)
IGNORED = {
    "output_file",
    "localsiteurl",
    "static_links",
    "generated_content",
    "static_content",
    "staticfiles",
}


class Keys:
    """Computes page keys for one build, with per-object memos (objects do not change while writing)."""

    def __init__(self, inputs: str) -> None:
        self.base = inputs
        # id -> (the object, its digest). Holding the object keeps its id from
        # being reused by a later, different object during the build.
        self._memo: dict[tuple[int, object], tuple[object, str]] = {}
        self._shared: dict[int, tuple] = {}

    def of(self, value: Any, depth: int = 0, view: str = "listed") -> str:
        if isinstance(value, (str, int, float, bool, datetime, date)) or value is None:
            return self._compute(value, depth, view)
        memo_key = (id(value), depth == 0, view)
        if memo_key in self._memo:
            return self._memo[memo_key][1]
        result = self._compute(value, depth, view)
        self._memo[memo_key] = (value, result)
        return result

    def _compute(self, value: Any, depth: int, view: str) -> str:
        if isinstance(value, Static):
            # A copied file: a page can only link it, and its address says where.
            return f"static:{value.url}"
        if isinstance(value, Content):
            return self.article(value) if depth == 0 else self._shown(value, view)
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.url}"
        if isinstance(value, Page):
            return _hash(
                "page",
                value.number,
                value.paginator.num_pages,
                value.url,
                self.of(value.object_list, depth + 1, view),
            )
        if isinstance(value, Paginator):
            return _hash("paginator", value.name, value.url, value.num_pages, value.per_page)
        if isinstance(value, dict):
            return _hash(
                *(
                    f"{k}={self.of(v, depth + 1, view)}"
                    for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
                )
            )
        if isinstance(value, (list, tuple)):
            return _hash(*(self.of(v, depth + 1, view) for v in value))
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, (str, int, float, bool)) or value is None:
            return repr(value)
        return f"<{type(value).__name__}>"

    def article(self, content: Content) -> str:
        """Everything a page can show of its own article, and of the articles it links to."""
        fields = [
            self._shown(content, "listed"),
            hashlib.sha256((content._content or "").encode()).hexdigest(),
        ]
        for name in ("prev_article", "next_article"):
            neighbour = getattr(content, name, None)
            fields.append(self._shown(neighbour, "label") if neighbour else "-")
        fields += [self._shown(other, "listed") for other in getattr(content, "related_posts", [])]
        return _hash(*fields)

    def _shown(self, content: Content, view: str) -> str:
        """The article's fields in this view, with its category and tags. Once per article and view."""
        memo_key = (id(content), view)
        if memo_key not in self._memo:
            fields = [repr(getattr(content, name, None)) for name in VIEWS[view]]
            fields += [
                self.of(getattr(content, "category", None), 1),
                self.of(getattr(content, "tags", []), 1),
            ]
            self._memo[memo_key] = (content, _hash(*fields))
        return self._memo[memo_key][1]

    def shared(self, context: dict) -> str:
        """The digest of the context every page of a generator shares, once per distinct context."""
        remembered = self._shared.get(id(context))
        if (
            remembered
            and len(context) == remembered[1]
            and all(context[k] is v for k, v in remembered[2])
        ):
            return remembered[3]
        names = sorted(k for k in context if not k.isupper() and k not in IGNORED)
        entries = [(k, context[k]) for k in names]
        digest = _hash(*(f"{k}={self.of(v, view='label')}" for k, v in entries))
        self._shared[id(context)] = (context, len(context), entries, digest)
        return digest

    def page(self, template_name: str, shared: str, localcontext: dict, own: set) -> str:
        """A page's key: the shared digest plus what this page alone receives (`own` names)."""
        names = sorted(k for k in own if not k.isupper() and k not in IGNORED)
        return _hash(
            self.base,
            template_name,
            shared,
            *(f"{k}={self.of(localcontext[k], view=own_view(k))}" for k in names),
        )


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class _ReusingTemplate:
    """Stands in for a Jinja template: renders only when the page's key changed."""

    def __init__(
        self, template: Any, writer: CachingWriter, context: dict[str, Any], kwargs: dict[str, Any]
    ) -> None:
        self.template = template
        self.writer = writer
        self.context = context
        self.kwargs = kwargs

    def render(self, localcontext: dict) -> str:
        # What this page alone receives: the writer's keyword arguments and the
        # pagination entries, which the shared context does not hold.
        own = (set(self.kwargs) & localcontext.keys()) | (localcontext.keys() - self.context.keys())
        shared = self.writer.keys.shared(self.context)
        return self.writer.render(self.template, localcontext, shared, own)


@dataclass
class _Pending:
    """A page to settle once every page is known: its file, template and context, the
    digest of the context it shares, and the names it alone receives."""

    name: str
    path: str
    template: Any
    localcontext: dict[str, Any]
    shared: str
    own: set[str]


class CachingWriter(Writer):
    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.build = state.of(settings)
        self.keys = Keys(self.build.inputs)
        self.previous = recorded_keys(self.build)
        self.pending: list[_Pending] = []
        # The files of the pages `flush` settles, which Pelican must not write.
        self._ours: set[str] = set()
        self.build.writer = self

    def write_file(
        self, name: str, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        wrapped = _ReusingTemplate(template, self, context, kwargs)
        return super().write_file(name, wrapped, context, *args, **kwargs)

    def render(
        self, template: Any, localcontext: dict[str, Any], shared: str, own: set[str]
    ) -> str:
        """Always "": `flush` links the page from the last output or renders it.

        Pelican writes what this returns through `_open_w`, which leaves the
        file to us.
        """
        name = localcontext["output_file"]
        path = sanitised_join(self.output_path, name)
        self.pending.append(_Pending(name, path, template, localcontext, shared, own))
        self._ours.add(path)
        return ""

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's bookkeeping of written files, without writing the pages `flush` settles.

        A page written twice (an article whose `Save_as` is a listing's file) follows
        Pelican's rule: a write with `override` stays, and a second one is skipped;
        two without it stop the build. `render` has just queued this write's page.
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
        """Settle every page, in `workers` processes: reuse it, or render and write it.

        Pages are dealt out in turn, so each process gets its share of articles
        and listings. A forked process sends back each page's key, digest and what
        it read of the page (links, indexed text), and the warnings it logged; an
        error stops the build as it would have in this process.
        """
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
        for name, key, digest, read in results:
            self.build.page_keys[name] = [key, digest]
            if read is None:
                self.build.reused += 1
            else:
                self.build.rendered_pages.append(name)
                self.build.page_links[digest], self.build.page_texts[digest] = read

    def _settle(
        self, pages: list[_Pending], done: Callable[[], None] = lambda: None
    ) -> list[tuple[str, str, str, tuple[Links, str] | None]]:
        """Each page's name, key, digest, and what was read of it (None for a page reused
        as it was).

        A reused page is linked from the last output; a new one is rendered and
        written, and read here, where the text is at hand: its links for the link
        check (links.publish), and the digest of what Pagefind indexes of it
        (search.publish), which would otherwise read every article again before
        starting Pagefind.
        """
        results = []
        for page in pages:
            done()
            key = self.keys.page(page.template.name, page.shared, page.localcontext, page.own)
            digest = self._reused(page.name, key)
            if digest is not None:
                link_or_copy(self.build.previous / page.name, Path(page.path))
                results.append((page.name, key, digest, None))
                continue
            text = page.template.render(page.localcontext)
            data = text.encode("utf-8")
            replace_with(data, Path(page.path))
            results.append((page.name, key, _digest(data), (read_html(text), indexed_text(data))))
        return results

    def _reused(self, name: str, key: str) -> str | None:
        """The digest of the last good build's file, if its key matches and its bytes are as
        that build wrote them."""
        recorded = self.previous.get(name)
        if not recorded or recorded[0] != key:
            return None
        try:
            data = (self.build.previous / name).read_bytes()
        except OSError:
            return None
        return recorded[1] if _digest(data) == recorded[1] else None


# Fewer pages than this per process, and a fork costs more than it saves.
POOL_MIN_PAGES = 64


def recorded_keys(build: BuildState) -> dict[str, list[str]]:
    """The last good build's manifest (page -> [key, sha256]), read once a build: the runner
    asks for its pages before Pelican starts, and the writer for its keys."""
    if build.recorded_keys is None:
        build.recorded_keys = _load(build.cache / MANIFEST) if build.previous else {}
    return build.recorded_keys


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load(path: Path) -> dict[str, list[str]]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def commit(build: BuildState) -> None:
    """Called once the new output is in place: its keys now describe the output folder.

    Caches made for other code or settings are removed: they can never match again.
    """
    build.cache.mkdir(parents=True, exist_ok=True)
    (build.cache / MANIFEST).write_text(json.dumps(build.page_keys, sort_keys=True), "utf-8")
    for other in build.cache.parent.iterdir():
        if other != build.cache:
            shutil.rmtree(other, ignore_errors=True)


def provide_writer(pelican: Any) -> type[Writer]:
    # `get_writer`: Pelican instantiates the class it is given.
    return CachingWriter


def flush(pelican: Any) -> None:
    # `finalized`: every generator has written; the pages it deferred are rendered now.
    build = state.of(pelican.settings)
    if build.writer is not None:
        build.writer.flush(build.options.processes())


def register() -> None:
    signals.get_writer.connect(provide_writer)
    signals.finalized.connect(flush)
