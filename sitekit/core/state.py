"""What our build steps share, defined once and typed.

Pelican hands every plugin its settings and nothing else, so the settings are
the only channel between the runner, the plugins and the publishing steps. We
use exactly two keys of it, both named here:

- ``SITEKIT`` (written in ``pelicanconf.py`` / ``publishconf.py``): the options
  of our own plugins and steps, a plain dict. ``Options`` below holds every
  option with its one default; an unknown key is an error, with a suggestion.
- ``SITEKIT_STATE`` (set by the runner, never by hand): the ``BuildState`` of
  the build under way, which the plugins fill in and the publishing steps read.

Nothing else is passed through settings, and no module keeps state of its own
between builds.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sitekit.core.progress import Progress

OPTIONS_KEY = "SITEKIT"
STATE_KEY = "SITEKIT_STATE"


class OptionsError(ValueError):
    """The SITEKIT setting names an option that does not exist, or has a wrong type."""


@dataclass(frozen=True)
class Options:
    """Every option of our plugins and publishing steps, with its default."""

    # templating.inline_css: the one stylesheet, below THEME, inlined into every page.
    stylesheet: str = "css/site.css"
    # markdown.reader: an article gets a table of contents from this many headings.
    toc_min_headings: int = 3
    # markdown.reader and pages.render: processes that convert Markdown and
    # render pages (0: one per core; 1: all in the build's own process).
    workers: int = 0
    # listings.related: how many related articles an article lists.
    related_max: int = 3
    # markdown.reading_time: words read per minute.
    words_per_minute: int = 250
    # images.check: the largest image content/ may hold, in megapixels (a 48-megapixel phone
    # photo is scaled down like any other); Pillow's guard against decompression bombs is
    # set to it (images.imaging.open_image).
    image_max_megapixels: int = 100
    # containment.check: the largest file content/ may hold, in MiB (Cloudflare Pages
    # refuses files over 25 MiB).
    max_file_mib: int = 25
    # containment.check: file suffixes (such as ".pdf") published from the static folders
    # as downloads, besides raster images; hosting sends them as attachments.
    downloads: list[str] = field(default_factory=list)
    # build: refuse to start unless SITEURL is an absolute https:// address.
    require_https_siteurl: bool = False
    # templating.assets + templating.fingerprints: hashed names for theme/static files.
    fingerprint_assets: bool = False
    # templating.helpers: a <meta> Content-Security-Policy on every page.
    csp_meta: bool = False
    # hosting.headers: where to write Netlify/Cloudflare's headers file ("" for none).
    headers_file: str = ""
    # hosting.headers: where to write Netlify/Cloudflare's redirects file ("" for none), and
    # beside it nginx's map of the same redirects (hosting.headers.NGINX_REDIRECTS).
    redirects_file: str = ""
    # redirects.publish: a build that would drop an address content/addresses.txt records
    # fails (else it only warns in one line), and the record gains the new addresses.
    keep_addresses: bool = False
    # hosting.sitemap: where to write the sitemap ("" for none).
    sitemap: str = ""
    # hosting.precompress: .gz and .br twins of every text file.
    precompress: bool = False
    # search.publish: a rebuild indexes only the changed articles, beside the last
    # full index (which the search page then also asks); off, the index is made anew.
    search_delta: bool = True
    # search.publish: at most this many articles in each part of the index (a shard), so
    # that Pagefind's memory stays under 250 MB; the search page asks every shard.
    search_shard: int = 800
    # people.review: an article is due for a new review this many months after its last
    # review (or, with none, its Modified or Date), unless its Review-By field says when.
    review_interval_months: int = 12
    # people.plugin: an overdue article tells its readers so, under the byline.
    review_notice: bool = True
    # The site is about health: articles are schema.org MedicalWebPages, for patients
    # (theme/templates/partials/structured_data.html).
    health_site: bool = False

    def __post_init__(self) -> None:
        for suffix in self.downloads:
            if not isinstance(suffix, str) or not re.fullmatch(r"\.[a-z0-9]+", suffix):
                raise OptionsError(
                    f"{OPTIONS_KEY}['downloads'] lists file suffixes in lower case with their "
                    f"dot, such as '.pdf', not {suffix!r}"
                )

        if self.review_interval_months < 1:
            raise OptionsError(
                f"{OPTIONS_KEY}['review_interval_months'] must be at least 1, "
                f"not {self.review_interval_months}"
            )

    def processes(self) -> int:
        """How many processes read and render: the `workers` option, or one per core."""
        return self.workers or os.cpu_count() or 1

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Options:
        given = settings.get(OPTIONS_KEY) or {}
        if not isinstance(given, dict):
            raise OptionsError(
                f"{OPTIONS_KEY} must be a dict of options, not {type(given).__name__}"
            )
        known = {f.name: f for f in fields(cls)}
        for name, value in given.items():
            if name not in known:
                guess = difflib.get_close_matches(str(name), known, n=1)
                hint = f" Did you mean '{guess[0]}'?" if guess else ""
                raise OptionsError(f"{OPTIONS_KEY} has an unknown option '{name}'.{hint}")
            expected = type(getattr(cls(), name))
            if type(value) is not expected:
                raise OptionsError(
                    f"{OPTIONS_KEY}['{name}'] must be a {expected.__name__}, not {value!r}"
                )
        return cls(**given)


class Cancelled(BaseException):
    """A newer save made the build pointless (the live preview); it stops like a failure.

    Not an Exception: Pelican catches every Exception raised while it reads a file, logs
    it and reads on, and a cancelled build must stop at once (the runner catches it)."""


def stop_if_cancelled(build: BuildState) -> None:
    if build.cancelled():
        raise Cancelled("a newer save replaces this build")


@dataclass
class BuildState:
    """One build's shared values. The runner creates it; the comments say who fills what."""

    options: Options
    # The folder the finished build is swapped into; Pelican itself writes to a staging folder.
    output: Path
    # This build's cache folder (Pelican's content cache and our page keys).
    cache: Path
    # The last good output, whose unchanged files may be reused; None on a cold build.
    previous: Path | None
    # A digest of everything besides content that shapes a page (sitekit.core.inputs).
    inputs: str = ""
    # templating.inline_css: the minified stylesheet, exactly as inlined.
    stylesheet: str = ""
    # templating.assets: name below theme/static -> URL path below SITEURL.
    assets: dict[str, str] = field(default_factory=dict)
    # links.plugin: every page written (path below the output) -> its newest date.
    written: dict[str, datetime | None] = field(default_factory=dict)
    # links.plugin: the newest date of each list of articles a listing shows (by id).
    newest_listed: dict[int, tuple[Any, datetime | None]] = field(default_factory=dict)
    # links.plugin: each article page -> its Markdown source, and a function that
    # gives the links in its text (only asked for when a link of that page is broken).
    page_sources: dict[str, tuple[Path, Callable[[], frozenset[str]]]] = field(default_factory=dict)
    # listings.schedule: address (below SITEURL) of each draft or scheduled article -> what it is.
    unpublished: dict[str, tuple[str, Path]] = field(default_factory=dict)
    # redirects.plugin: each old address a Redirect-From field claims (redirects.plugin.Claim).
    redirect_claims: list[Any] = field(default_factory=list)
    # redirects.publish: the redirects written (old address -> new, both below the site's
    # root, as `/old-slug/`), and the addresses content/gone.txt lists; hosting writes each
    # host's file from them, and the link check notes links to an old address.
    moved: dict[str, str] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    # listings.schedule: articles dated in the future (source path below content/ -> date).
    scheduled: dict[str, datetime] = field(default_factory=dict)
    # Notes for an editor that do not fail the build (source file as shown -> one line), such
    # as markdown.reader's on headings moved a level down; the runner prints them.
    notices: dict[str, str] = field(default_factory=dict)
    # people.plugin: everyone content/authors.toml describes, by name (sitekit.people.model).
    people: dict[str, Any] = field(default_factory=dict)
    # images.plugin: every image file to make (name below the output -> sitekit.images.imaging.Job).
    image_jobs: dict[str, Any] = field(default_factory=dict)
    # images.publish.start_early: those of them being made while Pelican writes.
    early_images: Any = None
    # pages.render: every page the writer wrote (name below the output -> sha256 of its bytes).
    page_digests: dict[str, str] = field(default_factory=dict)
    # Set by features on `initialized`: what to read of each page the writer writes anew,
    # while its text is at hand (name -> function of the page's text and bytes), such as
    # the search index's text.
    page_readers: dict[str, Callable[[str, bytes], Any]] = field(default_factory=dict)
    # pages.render: what each reader read (reader name -> sha256 of a page's bytes -> value).
    page_reads: dict[str, dict[str, Any]] = field(default_factory=dict)
    # search.publish: what the full index in the output read (page -> [sha256 of the
    # page, of its indexed text]), for `commit`.
    search_base: dict[str, list[str]] | None = None
    # pages.render: the writer, whose deferred pages are rendered on `finalized`.
    writer: Any = None
    # The live preview (through the runner): the pages an open browser shows (names below
    # the output); pages.render renders each as soon as Pelican writes it and hands its bytes
    # to `first_page` (name, bytes), before the other pages are rendered.
    first_pages: frozenset[str] = frozenset()
    first_page: Callable[[str, bytes], None] | None = None
    # The live preview: whether a newer save makes this build pointless. The writer and
    # the publishing steps ask it between pages and steps (`stop_if_cancelled`), so that
    # the build stops where stopping is safe: nothing is swapped in.
    cancelled: Callable[[], bool] = lambda: False
    # The runner, for the live preview: Pelican's generators, once all have read everything
    # (`all_generators_finalized`); the preview keeps a good build's to read a saved file
    # into (sitekit.devtools.quick).
    generators: list[Any] = field(default_factory=list)
    # pages.render: the pages whose bytes changed in this build (`rendered` counts them);
    # `reused` counts those linked from the last output, their bytes unchanged.
    rendered_pages: list[str] = field(default_factory=list)
    # markdown.reader and pages.render: processes used to read and to render.
    processes: dict[str, int] = field(default_factory=dict)
    reused: int = 0
    # images.publish: image files made in this build, and taken from the cache.
    images_made: int = 0
    images_reused: int = 0
    # The runner: the status line of long builds on a terminal (sitekit.core.progress).
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))
    # The runner and publish.timed: seconds per step, for `python -m sitekit.runner --timings`.
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rendered(self) -> int:
        return len(self.rendered_pages)

    def __reduce__(self) -> tuple[type[BuildState], tuple[Options, Path, Path, Path | None]]:
        # Pelican's content cache pickles Category and Tag objects, which keep the
        # settings and so this state: keep what names the build, not what it collected
        # (the writer, the status line's terminal).
        return (BuildState, (self.options, self.output, self.cache, self.previous))


def of(settings: dict[str, Any]) -> BuildState:
    """The state of the build these settings belong to.

    A build run by Pelican alone (not through sitekit.runner) gets a fresh state
    on first use, so every plugin also works there.
    """
    state = settings.get(STATE_KEY)
    if state is None:
        output = Path(settings["OUTPUT_PATH"])
        state = BuildState(
            options=Options.from_settings(settings),
            output=output,
            cache=Path(settings.get("CACHE_PATH") or output.parent / ".cache"),
            previous=None,
        )
        settings[STATE_KEY] = state
    return state
