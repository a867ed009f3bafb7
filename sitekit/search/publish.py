"""The search index: Pagefind reads the written articles and writes pagefind/ beside them.

Pagefind (PyPI `pagefind[bin]`, which ships its binary, so nothing is
downloaded at build time) reads only the files where articles are written,
and indexes only what the templates mark with `data-pagefind-body`: published
articles, without the parts marked `data-pagefind-ignore`. The search page's
script (theme/static/search.js) loads the index in the reader's browser; no
other page loads anything.

A large site's index is made in shards of at most `search_shard` articles
(800), each by a Pagefind run of its own, as many at a time as the build has
processes: Pagefind keeps about a quarter of a megabyte for each page it reads,
so one run over 5,000 articles took 1.3 GB. pagefind/ holds the first shard,
pagefind/shard-2/ and on the others, listed in pagefind/shards.json; the
search page merges them into the first (Pagefind's `mergeIndex`), which loads
Pagefind's code and WebAssembly once for all of them.

Pagefind has no incremental mode: it reads every article each time (1.0 s
for 1,000 articles). So a rebuild reuses the last full index, the *base*:

- every indexed page as the base read it: the base is linked as it is;
- some pages changed, added or removed, and the `search_delta` option on
  (local builds): the base is linked, and the changed pages alone are
  indexed into pagefind/delta/. pagefind/delta.json names the base's entries
  for the changed and removed pages, which the search page leaves out, and
  says whether there is a delta index to ask as well. Past DELTA_SHARE of the
  pages, or with the option off (production), the index is made anew, so a
  published site always has one whole index and its readers load nothing more.

A page counts as changed when the part Pagefind indexes changed
(`indexed_text`), not when only its links to other articles did. What the
base read is recorded in the cache (`commit`, after the swap).
Two indexes score words by their own pages, so scores are not compared:
the search page puts each changed article in the place its last text had
in the base's order (delta.json maps one entry to the other), or first if
its last text did not match the query. Only local builds show it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sitekit.core.files import TWIN_SUFFIXES, link_or_copy, link_tree
from sitekit.core.problems import Problem, one_line
from sitekit.core.state import BuildState

BUNDLE = "pagefind"
# Where the index is, below the output folder, and the script of Pagefind's that loads it. The
# search page's script (theme/static/search.js) imports SCRIPT from BUNDLE and reads SHARDS.
BUNDLE = "pagefind"
SCRIPT = "pagefind.js"
DELTA = "delta"
DELTA_INFO = "delta.json"
# The shards past the first (search.publish.shards), listed for the search page.
SHARDS = "shards.json"
SHARD = "shard-"
# What a page name may not hold to be listed in a glob.
_GLOB_SIGNS = set("{}[]*?,\\")
# Below BuildState.cache: each page the base index read -> [sha256 of its bytes, of its
# indexed text] (search.publish.indexed_text).
BASE_RECORD = "search-base.json"
# Below BuildState.cache: the base index's fragment for each page (`entries`), with its meta file.
ENTRIES = "search-entries.json"
# A delta holds at most this share of the indexed pages; past it, the index is made anew.
DELTA_SHARE = 0.1


def article_glob(*article_save_as: str) -> str:
    """Where articles are written, as a glob: {slug}/index.html is */index.html, and
    blog/{date:%Y}/{slug}/index.html is blog/*/*/index.html. Several patterns (the
    site's language's and another's, ARTICLE_LANG_SAVE_AS) are alternatives: {a,b}."""
    globs = [re.sub(r"\{[^}]*\}", "*", pattern) for pattern in article_save_as if pattern]
    globs = list(dict.fromkeys(globs))
    return globs[0] if len(globs) == 1 else "{" + ",".join(globs) + "}"


def indexed_pages(page_digests: dict[str, str], glob: str) -> dict[str, str]:
    """The written pages Pagefind reads (`glob`, where * stays within a folder) -> their sha256."""
    alternatives = glob[1:-1].split(",") if glob.startswith("{") and glob.endswith("}") else [glob]
    pattern = re.compile("|".join(re.escape(one).replace(r"\*", "[^/]*") for one in alternatives))
    return {name: digest for name, digest in page_digests.items() if pattern.fullmatch(name)}


# The name under which `read_page` runs on each page the writer writes anew (pages.render).
READER = "search"


def read_page(text: str, data: bytes) -> str:
    return indexed_text(data)


def indexed_text(data: bytes) -> str:
    """The sha256 of what Pagefind indexes of a page, the element marked data-pagefind-body;
    "" for a page without one.

    The rest of an article's page (its neighbours, its related articles) changes
    with other articles, and does not change the index.
    """
    marker = data.find(_MARKER)
    if marker < 0:
        return ""
    # A tag holding the marker starts after the last ">" before it: searching from there
    # finds what searching the whole page would, without trying every tag before it.
    found = _BODY.search(data, data.rfind(b">", 0, marker) + 1)
    if found is None:
        return ""
    end = data.find(b"</" + found.group(1) + b">", found.start())
    return hashlib.sha256(data[found.start() : end if end >= 0 else None]).hexdigest()


# The attribute that marks what Pagefind indexes. article.html writes it as the
# `search_body_marker` global (search.plugin), so what `indexed_text` reads is what Pagefind does.
BODY_MARKER = "data-pagefind-body"
_MARKER = BODY_MARKER.encode()
_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)[^>]*\s" + _MARKER)


Finish = Callable[[], list[Problem]]


def _text_of(page: Path, digest: str, rendered: dict[str, str]) -> str:
    """The page's indexed text, as rendering read it (by its bytes' sha256), or read now."""
    if digest in rendered:
        return rendered[digest]
    return indexed_text(page.read_bytes())


def start(output: Path, article_save_as: list[str], build: BuildState, language: str) -> Finish:
    """Start indexing the articles written to `output` (by the patterns `article_save_as`):
    reuse the base, add a delta, or make it anew. Pagefind runs beside the steps that
    follow; the returned function waits for it and puts its index in place.

    Every article goes into one index, in the site's `language` (DEFAULT_LANG): Pagefind
    would otherwise make one index for each `<html lang>`, and the search page, in the
    site's language, would search its own alone, never finding an article in another."""
    glob = article_glob(*article_save_as)
    base = _base(build) or {}
    rendered = build.page_reads.get(READER, {})
    # Page -> [sha256 of its bytes, of its indexed text]; the text is read again only
    # for a page whose bytes changed and that this build did not render.
    pages = {
        name: [digest, base[name][1]]
        if name in base and base[name][0] == digest
        else [digest, _text_of(output / name, digest, rendered)]
        for name, digest in indexed_pages(build.page_digests, glob).items()
    }
    wanted = build.options.search_delta
    if base and build.previous is not None:
        changed = [n for n, (_, text) in sorted(pages.items()) if text != base.get(n, ["", ""])[1]]
        removed = sorted(base.keys() - pages.keys())
        # What the base read stays recorded, with the new bytes of pages whose text it holds.
        still = {**base, **{n: v for n, v in pages.items() if n in base and n not in changed}}
        if not changed and not removed:
            _link_base(output, build.previous)
            build.search_base = still
            _delta_info(output, wanted, False, [])
            return list
        if wanted:
            held = _entries(build)
            # A page that lost its marker is only left out; and Pagefind given no
            # marked page at all would index every page it reads.
            marked = [name for name in changed if pages[name][1]]
            replaced = {name for name in (*changed, *removed) if name in held}
            if len(replaced | set(marked)) <= DELTA_SHARE * len(held):
                _link_base(output, build.previous)
                build.search_base = still
                ids = sorted(held[name] for name in replaced)
                if not marked:
                    _delta_info(output, True, False, ids)
                    return list
                read = {name: pages[name][1] for name in marked}
                if _same_delta(build.previous, read, ids):
                    link_tree(build.previous / BUNDLE, output / BUNDLE, _not_delta)
                    return list
                return _delta(output, build, glob, read, ids, held, language)
    marked = sorted(name for name, (_, text) in pages.items() if text)
    running = _Shards(output, glob, marked, build, language)

    def finish() -> list[Problem]:
        problems = running.wait()
        if not problems:
            build.search_base = pages
            _delta_info(output, wanted, False, [])
        return problems

    return finish


def shards(pages: list[str], size: int) -> list[list[str]]:
    """The pages dealt out in turn to as few shards as hold at most `size` pages each.

    Pagefind holds what it read of every page until it writes the index, about
    a quarter of a megabyte a page: 1.3 GB for 5,000 articles. Each shard is a
    Pagefind run of its own, so it needs only its share, and shards run on every
    core. Dealt in turn, each shard holds a like mix of articles, so that the
    scores of its results compare with the others'.
    """
    count = max(1, -(-len(pages) // max(1, size)))
    return [pages[n::count] for n in range(count)]


def shard_folder(number: int) -> str:
    """Where shard `number` (from 1) is, below pagefind/: the first is pagefind/ itself."""
    return "" if number == 1 else f"{SHARD}{number}/"


def _base(build: BuildState) -> dict[str, list[str]] | None:
    """What the last full index read, if the last output still holds that index."""
    if build.previous is None or not (build.previous / BUNDLE / SCRIPT).is_file():
        return None
    try:
        record = json.loads((build.cache / BASE_RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _link_base(output: Path, previous: Path) -> None:
    """Link the last output's base index into `output`: everything but the delta."""
    link_tree(previous / BUNDLE, output / BUNDLE, _not_base)


def _in_delta(name: str) -> bool:
    return name.split("/")[0] in (DELTA, DELTA_INFO)


# Compressed twins are left out of either: hosting.precompress makes them, or carries
# over the last build's once it has checked them.
def _not_base(name: str) -> bool:
    return _in_delta(name) or name.endswith(TWIN_SUFFIXES)


def _not_delta(name: str) -> bool:
    return not _in_delta(name) or name.endswith(TWIN_SUFFIXES)


def _same_delta(previous: Path, read: dict[str, str], replaced: list[str]) -> bool:
    """Whether the last output's delta holds exactly these texts and replaces these entries."""
    try:
        info = json.loads((previous / BUNDLE / DELTA_INFO).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (
        info.get("delta") is True
        and info.get("read") == read
        and info.get("replaced") == replaced
        and (previous / BUNDLE / DELTA / SCRIPT).is_file()
    )


def _delta(
    output: Path,
    build: BuildState,
    glob: str,
    read: dict[str, str],
    replaced: list[str],
    held: dict[str, str],
    language: str,
) -> Finish:
    """Index the pages of `read` (page -> its indexed text) alone into pagefind/delta/."""
    site = Path(tempfile.mkdtemp(dir=build.cache, prefix="search-delta-"))
    try:
        for name in read:
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(output / name, site / name)
        running = _Pagefind(site, glob, output / BUNDLE / DELTA, build.cache, language)
    except BaseException:
        shutil.rmtree(site, ignore_errors=True)
        raise

    def finish() -> list[Problem]:
        try:
            problems = running.wait()
        finally:
            shutil.rmtree(site, ignore_errors=True)
        if problems:
            return problems
        # Each changed article's entry in the delta -> its last text's entry in the base.
        delta = entries(output / BUNDLE / DELTA)
        moved = {delta[name]: held[name] for name in sorted(delta) if name in held}
        _delta_info(output, True, True, replaced, moved, read)
        return []

    return finish


def _entries(build: BuildState) -> dict[str, str]:
    """`entries` of the base index in the last output, kept with the name of its meta file."""
    assert build.previous is not None
    bundle = build.previous / BUNDLE
    meta = [str(p.relative_to(bundle)) for p in _in_shards(bundle, "*.pf_meta")]
    kept = build.cache / ENTRIES
    try:
        remembered = json.loads(kept.read_text("utf-8"))
        if remembered["meta"] == meta:
            return remembered["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    found = entries(bundle)
    kept.write_text(json.dumps({"meta": meta, "entries": found}), "utf-8")
    return found


def entries(bundle: Path) -> dict[str, str]:
    """The entry for each page the index in `bundle` holds, in any of its shards:
    page -> fragment id (en_017cc4c)."""
    entries = {}
    for fragment in _in_shards(bundle, "fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        url = json.loads(data)["url"]
        name = url.lstrip("/") + ("index.html" if url.endswith("/") else "")
        entries[name] = fragment.name.removesuffix(".pf_fragment")
    return entries


def _in_shards(bundle: Path, pattern: str) -> list[Path]:
    """The files `pattern` matches in each shard of the index in `bundle`."""
    return sorted(bundle.glob(pattern)) + sorted(bundle.glob(f"{SHARD}*/{pattern}"))


def _delta_info(
    output: Path,
    wanted: bool,
    delta: bool,
    replaced: list[str],
    moved: dict[str, str] | None = None,
    read: dict[str, str] | None = None,
) -> None:
    """pagefind/delta.json, which the search page reads when the `search_delta` option is on:
    whether there is a delta, the base's entries it replaces, and for each changed article
    its delta entry -> its base entry (the search page lists it where its last text was);
    and what the delta read (page -> indexed text), so that the next build can keep it."""
    if wanted:
        info = {"delta": delta, "replaced": replaced, "moved": moved or {}, "read": read or {}}
        (output / BUNDLE / DELTA_INFO).write_text(json.dumps(info, sort_keys=True), "utf-8")


class _Pagefind:
    """Pagefind's own binary (pagefind[bin]), indexing the pages of `site` that `glob` matches
    into a folder of the cache; `wait` moves the index to `bundle`."""

    def __init__(self, site: Path, glob: str, bundle: Path, cache: Path, language: str) -> None:
        self.bundle = bundle
        cache.mkdir(parents=True, exist_ok=True)
        self.made = Path(tempfile.mkdtemp(dir=cache, prefix="search-index-")) / BUNDLE
        try:
            self.process = subprocess.Popen(
                pagefind_command(site, glob, self.made, language),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        except BaseException:
            shutil.rmtree(self.made.parent, ignore_errors=True)
            raise

    def wait(self, place: bool = True) -> list[Problem]:
        """Wait for Pagefind; then move its index into place, unless `place` is off
        (`place_index` does it later)."""
        try:
            said, _ = self.process.communicate()
        except BaseException:
            self.stop()
            raise
        if self.process.returncode != 0 or not (self.made / SCRIPT).is_file():
            self.discard()
            said = one_line(said) or f"exit {self.process.returncode}"
            return [Problem("the search index", None, f"Pagefind could not index the site: {said}")]
        # Pagefind's ready-made interfaces: the search page has its own markup and JS.
        for unused in self.made.glob("pagefind-*ui.*"):
            unused.unlink()
        if place:
            self.place_index()
        return []

    def place_index(self) -> None:
        try:
            shutil.move(self.made, self.bundle)
        finally:
            self.discard()

    def stop(self) -> None:
        """Kill Pagefind if it is still at work, and remove what it made."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.made.parent, ignore_errors=True)


class _Shards:
    """A whole index made anew: Pagefind run once per shard (`shards`), as many at a time as
    the build has processes; `wait` starts each next one as one ends (no thread: the build
    forks while Pagefind runs), puts them all in place, and lists the shards past the
    first in pagefind/shards.json, which the search page merges into the first."""

    def __init__(
        self, output: Path, glob: str, marked: list[str], build: BuildState, language: str
    ) -> None:
        groups = shards(marked, build.options.search_shard)
        # One shard reads every page the glob matches, as Pagefind alone would. Several
        # name their pages, unless a name could not be written in a glob.
        if len(groups) == 1 or any(_GLOB_SIGNS & set(name) for name in marked):
            groups = [[]]
        self.output, self.cache, self.language = output, build.cache, language
        self.folders = [shard_folder(n) for n in range(1, len(groups) + 1)]
        self.waiting = [
            ("{" + ",".join(group) + "}" if group else glob, output / BUNDLE / folder)
            for group, folder in zip(groups, self.folders, strict=True)
        ]
        self.running: list[_Pagefind] = []
        self._start(build.options.processes())

    def _start(self, count: int) -> None:
        try:
            for glob, bundle in self.waiting[:count]:
                self.running.append(_Pagefind(self.output, glob, bundle, self.cache, self.language))
        except BaseException:
            for shard in self.running:
                shard.stop()
            raise
        del self.waiting[:count]

    def wait(self) -> list[Problem]:
        ended: list[_Pagefind] = []
        try:
            while self.running:  # shards are alike: the oldest run ends first
                ended.append(self.running.pop(0))
                if problems := ended[-1].wait(place=False):
                    return problems
                self._start(1)
            for number, shard in enumerate(ended):
                if number:  # merged into the first, whose code and WebAssembly run it
                    for unused in (*shard.made.glob("*.js"), *shard.made.glob("wasm.*")):
                        unused.unlink()
                shard.place_index()  # the first shard first: the others go inside it
            shards = [folder for folder in self.folders if folder]
            (self.output / BUNDLE / SHARDS).write_text(json.dumps(shards), "utf-8")
            return []
        finally:
            for shard in (*self.running, *ended):
                shard.stop()


def pagefind_command(site: Path, glob: str, output: Path, language: str) -> list[str]:
    """Pagefind indexing the pages of `site` that `glob` matches into `output`, all of them
    as pages in `language`."""
    command = [str(pagefind_binary()), "--site", str(site), "--silent", "--glob", glob]
    return [*command, "--force-language", language, "--output-path", str(output)]


def pagefind_binary() -> Path:
    """The binary PyPI's pagefind[bin] installs (PAGEFIND_BINARY_PATH overrides it)."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("Pagefind's binary is missing: reinstall with pip install -e .")
    return binary


def commit(build: BuildState) -> None:
    """Called once the new output is in place: record what its base index read."""
    if build.search_base is not None:
        build.cache.mkdir(parents=True, exist_ok=True)
        (build.cache / BASE_RECORD).write_text(
            json.dumps(build.search_base, sort_keys=True), "utf-8"
        )
