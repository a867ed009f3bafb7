"""Contracts with the private APIs of Pelican and blinker that sitekit relies on.

Pelican and blinker may change a private name in any release, so pyproject.toml
pins both to the minor series these tests pass on. Each test checks the behaviour
sitekit relies on, and fails naming the API and the feature that needs it:

- `pelican.writers.Writer._open_w(filename, encoding, override)`: the page writer.
  It overrides `_open_w` to queue each page instead of writing it; Pelican must open
  every output file of `write_file` through it, right after rendering the template.
- `Writer._written_files` and `Writer._overridden_files`: the page writer. Its
  `_open_w` keeps Pelican's bookkeeping of written files in these two sets, which
  Pelican's own `_open_w` reads (feeds and other files go through Pelican's).
- `pelican.cache.FileStampDataCacher._filestamp_func`: the Markdown reader's content
  cache stamp. Each source file is hashed once a build: the generator's and the
  readers' stamp function is swapped for one that remembers.
- `pelican.cache.FileStampDataCacher._cache`: the live preview's early pages
  (sitekit.devtools.quick). A saved file is read again with the last build's readers,
  whose stamps are remembered from that build: its entry in `_cache`, a dict by the
  file's path, is dropped first, so that the readers read the file anew.
- `blinker.Signal._clear_state()`: fresh Pelican between in-process builds. Every
  receiver of Pelican's signals is dropped before a build.
- `pelican.log.LimitFilter._raised_messages`: fresh Pelican between in-process builds.
  Emptied so that a build shows warnings an earlier build already showed.
- `pelican.log.LimitFilter._group_count`: fresh Pelican between in-process builds.
  Emptied so that a build's grouped warnings are counted from zero.
- `pelican.contents.Content._content`: article HTML rewriting (images, reading time,
  scroll boxes). They read an article's HTML there, and rewrite it there for
  `content` and `summary` to show.
- Assigning `content.__class__` to a subclass with the same name: fixed URLs. Each
  article and page becomes an instance of a subclass that keeps `url` and `save_as`.
- `pelican.utils.memoized` and its `cache` dict on `Content`'s methods: the live
  preview's warm worker. It empties them after each build, since they keep every
  article of every build for as long as the process lives.
- `Readers.read_file`'s locals `base_path` and `path`: a warning logged while Pelican
  reads names that file (sitekit.core.logs, which looks for them on the stack).

The tests import only Pelican, blinker, Jinja and the standard library, not sitekit.
"""

import copy
import hashlib
import io
import logging
import os
from contextlib import ExitStack
from datetime import datetime
from functools import cached_property
from unittest import mock

import jinja2
import pytest
from blinker import Signal
from pelican.cache import FileStampDataCacher
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.log import LimitFilter, LimitLogger
from pelican.plugins import signals
from pelican.readers import Readers
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import memoized, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

PAGE_WRITER = "sitekit's page writer"
STAMP = "sitekit's Markdown reader's content cache stamp (each file hashed once a build)"
FRESH = "sitekit's fresh Pelican between in-process builds"
HTML = "sitekit's article HTML rewriting (images, reading time, scroll boxes)"
FIXED_URLS = "sitekit's fixed URLs"
WARM = "the live preview's warm worker (its memory stays flat)"
EARLY = "the live preview's early pages (a saved file read again)"


def pelican_api(api, feature):
    return f"Pelican's private API {api} changed: {feature} relies on it"


def blinker_api(api, feature):
    return f"blinker's private API {api} changed: {feature} relies on it"


@pytest.fixture(autouse=True)
def quiet_signals():
    """Pelican's signals reach no receiver here, whatever an earlier build connected."""
    with ExitStack() as stack:
        for value in vars(signals).values():
            if isinstance(value, Signal):
                stack.enter_context(value.muted())
        yield


def settings(tmp_path, **extra):
    values = copy.deepcopy(DEFAULT_CONFIG)
    values.update(OUTPUT_PATH=str(tmp_path / "output"), CACHE_PATH=str(tmp_path / "cache"))
    values.update(extra)
    return values


# The page writer: Writer._open_w, _written_files, _overridden_files.


class _Template:
    """A Jinja template that notes each rendering."""

    def __init__(self, events):
        self.template = jinja2.Template("<p>{{ words }}</p>")
        self.events = events

    def render(self, localcontext):
        self.events.append(("render", localcontext["output_file"]))
        return self.template.render(localcontext)


class _Kept(io.StringIO):
    """What the page writer's `_open_w` returns; keeps what Pelican wrote to it."""

    def __init__(self, kept):
        super().__init__()
        self.kept = kept

    def close(self):
        self.kept.append(self.getvalue())
        super().close()


def test_writer_opens_every_output_file_through_open_w(tmp_path):
    api = pelican_api("Writer._open_w(filename, encoding, override)", PAGE_WRITER)
    output = tmp_path / "output"
    events, kept = [], []

    class Queuing(Writer):
        def _open_w(self, filename, encoding, override=False):
            events.append(("open", filename, encoding, override))
            return _Kept(kept)

    writer = Queuing(str(output), settings=settings(tmp_path))
    context = {"words": "Hello"}
    writer.write_file("a/page.html", _Template(events), context)
    writer.write_file("b.html", _Template(events), context, override_output=True)

    assert events == [
        ("render", "a/page.html"),
        ("open", sanitised_join(str(output), "a/page.html"), "utf-8", False),
        ("render", "b.html"),
        ("open", sanitised_join(str(output), "b.html"), "utf-8", True),
    ], api
    assert kept == ["<p>Hello</p>", "<p>Hello</p>"], api
    assert not (output / "a" / "page.html").exists(), api
    assert not (output / "b.html").exists(), api

    # Files that are not pages go to Pelican's own, called positionally.
    plain = Writer(str(output), settings=settings(tmp_path))
    path = sanitised_join(str(output), "feed.xml")
    try:
        with plain._open_w(path, "utf-8", False) as handle:
            handle.write("<feed/>")
    except (AttributeError, TypeError) as error:
        pytest.fail(f"{api}: {error!r}")
    assert (output / "feed.xml").read_text(encoding="utf-8") == "<feed/>", api


def _stops(write):
    try:
        write()
    except FileOverwriteFailedError:
        return True
    return False


def test_writer_keeps_written_and_overridden_files_in_two_sets(tmp_path):
    api = pelican_api("Writer._written_files and Writer._overridden_files", PAGE_WRITER)
    output = tmp_path / "output"
    events = []

    def fresh():
        return Writer(str(output), settings=settings(tmp_path))

    def write(writer, name, words, override=False):
        writer.write_file(name, _Template(events), {"words": words}, override_output=override)

    writer = fresh()
    written = getattr(writer, "_written_files", None)
    overridden = getattr(writer, "_overridden_files", None)
    assert isinstance(written, set) and isinstance(overridden, set), api
    assert not written and not overridden, api

    path = sanitised_join(str(output), "a.html")
    page = output / "a.html"
    write(writer, "a.html", "first")
    assert writer._written_files == {path} and not writer._overridden_files, api
    write(writer, "a.html", "second", override=True)
    assert writer._written_files == {path} == writer._overridden_files, api
    assert page.read_text(encoding="utf-8") == "<p>second</p>", api
    # After a write with `override`, a write without it is skipped, and another stops.
    write(writer, "a.html", "third")
    assert page.read_text(encoding="utf-8") == "<p>second</p>", api
    assert _stops(lambda: write(writer, "a.html", "fourth", override=True)), api
    # Two writes without `override` stop the build.
    writer = fresh()
    write(writer, "b.html", "first")
    assert _stops(lambda: write(writer, "b.html", "second")), api

    # Pelican reads the sets the page writer fills.
    writer = fresh()
    writer._written_files.add(sanitised_join(str(output), "c.html"))
    assert _stops(lambda: write(writer, "c.html", "first")), api
    writer = fresh()
    writer._overridden_files.add(sanitised_join(str(output), "d.html"))
    write(writer, "d.html", "first")
    assert not (output / "d.html").exists(), api


# The Markdown reader's content cache stamp: FileStampDataCacher._filestamp_func.


def test_file_stamp_comes_from_filestamp_func(tmp_path):
    api = pelican_api("FileStampDataCacher._filestamp_func", STAMP)
    source = tmp_path / "a.md"
    source.write_text("Hello", encoding="utf-8")
    path = str(source)

    cacher = FileStampDataCacher(
        settings(tmp_path, CHECK_MODIFIED_METHOD="sha256"), "contract", True, False
    )
    stamp = vars(cacher).get("_filestamp_func")
    assert callable(stamp), api
    assert stamp(path) == hashlib.sha256(b"Hello").digest(), api

    asked = []

    def remembering(filename):
        asked.append(filename)
        return stamp(filename)

    cacher._filestamp_func = remembering
    cacher.cache_data(path, "data")
    assert cacher.get_cached_data(path, "missed") == "data", api
    assert asked == [path, path], api
    cacher._filestamp_func = lambda filename: b"changed"
    assert cacher.get_cached_data(path, "missed") == "missed", api

    # The articles' and pages' generators and their readers stamp through it too: the
    # readers with the absolute path, a generator with the path joined to its own.
    for kind in (Readers, ArticlesGenerator, PagesGenerator):
        assert issubclass(kind, FileStampDataCacher), api
    readers = object.__new__(Readers)
    readers._filestamp_func = remembering
    asked.clear()
    assert readers._get_file_stamp(path) == stamp(path), api
    assert asked == [path], api
    for kind in (ArticlesGenerator, PagesGenerator):
        generator = object.__new__(kind)
        generator.path = str(tmp_path)
        generator._filestamp_func = remembering
        asked.clear()
        assert generator._get_file_stamp("a.md") == stamp(path), api
        assert asked == [os.path.join(str(tmp_path), "a.md")], api


def test_content_cache_keeps_each_file_in_cache_by_its_path(tmp_path):
    api = pelican_api("FileStampDataCacher._cache", EARLY)
    source = tmp_path / "a.md"
    source.write_text("Hello", encoding="utf-8")
    path = str(source)
    cacher = FileStampDataCacher(settings(tmp_path), "contract", True, False)
    cacher._filestamp_func = lambda filename: b"same"  # as if remembered from a build
    cacher.cache_data(path, "what the last build read")
    assert isinstance(vars(cacher).get("_cache"), dict) and path in cacher._cache, api
    assert cacher.get_cached_data(path, "missed") == "what the last build read", api
    cacher._cache.pop(path)
    assert cacher.get_cached_data(path, "missed") == "missed", api


# Fresh Pelican between in-process builds: Signal._clear_state, LimitFilter's memory.


def test_clear_state_disconnects_every_receiver():
    api = blinker_api("Signal._clear_state()", FRESH)
    pelicans = [value for value in vars(signals).values() if isinstance(value, Signal)]
    assert signals.content_written in pelicans, api
    assert signals.article_generator_finalized in pelicans, api

    signal = type(signals.content_written)("contract")
    heard = []

    def everyone(sender):
        heard.append(("everyone", sender))

    def one(sender):
        heard.append(("one", sender))

    sender = object()
    signal.connect(everyone)
    signal.connect(one, sender=sender)
    signal.connect(lambda sender: heard.append(("strong", sender)), weak=False)
    signal.send(sender)
    assert len(heard) == 3

    clear = getattr(signal, "_clear_state", None)
    assert callable(clear), api
    clear()
    heard.clear()
    assert signal.send(sender) == [], api
    assert not heard, api
    assert not signal.receivers, api
    assert not signal.has_receivers_for(sender), api
    # The next build connects its receivers again.
    signal.connect(everyone)
    signal.send(sender)
    assert heard == [("everyone", sender)], api


def _warning(message, group=None):
    record = logging.LogRecord("pelican.contract", logging.WARNING, __file__, 1, message, (), None)
    if group:
        record.limit_msg = group
    return record


@pytest.fixture
def limit_filter_memory():
    """LimitFilter's memory is the process's: what the test empties comes back after it."""
    raised = getattr(LimitFilter, "_raised_messages", None)
    counts = getattr(LimitFilter, "_group_count", None)
    saved = (copy.copy(raised), copy.copy(counts))
    yield
    for kept, before in zip((raised, counts), saved, strict=True):
        if kept is not None:
            kept.clear()
            kept.update(before)


@pytest.mark.usefixtures("limit_filter_memory")
def test_limit_filter_drops_repeats_it_keeps_in_raised_messages():
    api = pelican_api("LimitFilter._raised_messages", FRESH)
    raised = getattr(LimitFilter, "_raised_messages", None)
    assert isinstance(raised, set), api
    # The filter Pelican puts on its loggers.
    limit = LimitLogger.limit_filter
    message = "Contract: a warning shown once a build"

    assert limit.filter(_warning(message)), api
    assert (logging.WARNING, message) in raised, api
    assert not limit.filter(_warning(message)), api
    raised.clear()
    assert limit.filter(_warning(message)), api


@pytest.mark.usefixtures("limit_filter_memory")
def test_limit_filter_counts_groups_in_group_count():
    api = pelican_api("LimitFilter._group_count", FRESH)
    counts = getattr(LimitFilter, "_group_count", None)
    assert counts is not None and hasattr(counts, "clear"), api
    limit = LimitLogger.limit_filter
    group = "Contract: more warnings of this kind"
    key = (logging.WARNING, group)

    shown = 0
    while limit.filter(_warning(f"Contract: warning {shown}", group)):
        shown += 1
        assert shown < 100, api
    assert counts[key] == shown + 1, api
    counts.clear()
    assert limit.filter(_warning("Contract: a warning after emptying", group)), api
    assert counts[key] == 1, api


# Images, reading time and scroll boxes: Content._content.


def content(kind, **metadata):
    values = copy.deepcopy(DEFAULT_CONFIG)
    values.update(ARTICLE_URL="{slug}/", ARTICLE_SAVE_AS="{slug}/index.html")
    metadata = {"title": "A title", "date": datetime(2026, 11, 24), **metadata}
    return kind("<p>Text.</p>", metadata=metadata, settings=values, source_path="a.md")


def test_content_html_is_kept_in_content_attribute():
    api = pelican_api("Content._content", HTML)
    article = content(Article)
    assert vars(article).get("_content") == "<p>Text.</p>", api
    article._content = "<div><p>Boxed.</p></div>"
    assert article.content == "<div><p>Boxed.</p></div>", api
    assert article.summary == "<div><p>Boxed.</p></div>", api


def test_content_memos_are_memoized_caches_that_keep_each_article():
    api = pelican_api("memoized.cache on Content's methods", WARM)
    memos = [value for value in vars(Content).values() if isinstance(value, memoized)]
    assert memos and all(isinstance(memo.cache, dict) for memo in memos), api
    article = content(Article)
    assert article.content and article.summary
    kept = [key for memo in memos for key in memo.cache if key[0] is article]
    assert len(kept) == 2, api
    for memo in memos:
        memo.cache.clear()
    assert article.content == "<p>Text.</p>", api


# Fixed URLs: assigning content.__class__.


class _Fixed:
    """The shape of fixed URLs' subclass: `url` and `save_as` kept once read."""

    @cached_property
    def url(self):
        return self.get_url_setting("url")

    @cached_property
    def save_as(self):
        return self.get_url_setting("save_as")


def test_content_class_can_become_a_subclass_of_the_same_name():
    api = pelican_api("content.__class__ assignment to a same-named subclass", FIXED_URLS)
    contents = [
        content(Article),
        content(Article, status="draft"),
        content(Article, lang="fr"),
        content(Article, url="elsewhere/", save_as="elsewhere/index.html"),
        content(Page),
        content(Page, status="draft"),
    ]
    expected = [(c.url, c.save_as) for c in contents]
    for item in contents:
        kind = type(item)
        fixed = type(kind.__name__, (_Fixed, kind), {"__module__": kind.__module__})
        try:
            item.__class__ = fixed
        except TypeError as error:
            pytest.fail(f"{api}: {error!r}")
        assert type(item).__name__ == kind.__name__ and isinstance(item, kind), api
    assert [(c.url, c.save_as) for c in contents] == expected, api
    with (
        mock.patch.object(Article, "get_url_setting", side_effect=AssertionError),
        mock.patch.object(Page, "get_url_setting", side_effect=AssertionError),
    ):
        assert [(c.url, c.save_as) for c in contents] == expected, api
    assert expected[0] == ("a-title/", "a-title/index.html"), api
    assert expected[4] == ("pages/a-title.html", "pages/a-title.html"), api


# Every problem names a file: the file Readers.read_file is reading, found on the stack.

WHERE = "sitekit's logs naming the file Pelican was reading"


def test_read_file_holds_the_file_it_reads_in_base_path_and_path(tmp_path):
    api = pelican_api("Readers.read_file's locals base_path and path", WHERE)
    import sys

    (tmp_path / "a.md").write_text("Title: A\n\nText.\n", "utf-8")
    seen = []

    class Reader:
        enabled = True
        file_extensions = ("md",)

        def read(self, source_path):
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name != "read_file":
                frame = frame.f_back
            found = frame.f_locals if frame else {}
            seen.append(os.path.join(found.get("base_path") or "", found.get("path") or ""))
            return "<p>Text.</p>", {"title": "A"}

        def process_metadata(self, name, value):
            return value

    readers = Readers(settings(tmp_path, PATH=str(tmp_path)))
    readers.readers["md"] = Reader()
    readers.read_file(base_path=str(tmp_path), path="a.md", content_class=Page)
    assert seen == [str(tmp_path / "a.md")], api
    assert f"{os.sep}pelican{os.sep}" in Readers.read_file.__code__.co_filename, api
