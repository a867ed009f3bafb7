"""Every internal link on the written pages must lead somewhere: a file, and an id for a #fragment.

Checked on the staging folder, after every other step has written its files,
so a broken link fails the build before anything is published. External
links are never fetched.

The pages are read with a tokenizer of HTML's own syntax, not a full parser:
html5lib takes about 10 ms a page, a third of a cold build at 1,000 articles,
and Python's html.parser 1.5 ms, against 0.3 ms for this. It reads what a parser
reads of a start tag: each attribute whole, a quoted value to its closing quote
(so ``title="Why src=x breaks"`` is one attribute, not a link to ``x``, and a
``>`` inside a value does not end the tag); it skips comments and the text of
``<script>`` and ``<style>``. Our pages are written by our templates and by the
sanitized Markdown (sitekit.markdown.sanitize), which escape ``<`` in text, so text
that merely looks like a link (``<code>&lt;a href="x"&gt;</code>``) is never a tag.
tests/test_linkcheck.py compares it with html.parser on every page of a build.

A problem names the Markdown file the link came from and the line where it is
written, or, for a link that the theme puts on every page, the template's
link once, with the number of pages.

A link in a text to an old address that a Redirect-From field claims leads somewhere
(its redirect page), and is noted, one line a file, with the new address to link to.
"""

from __future__ import annotations

import html
import pickle
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from sitekit.core.files import files_below, replace_with
from sitekit.core.problems import Problem

# What a parser reads of a page, for its links: a comment (skipped); an element whose text
# is no markup (script, style...), skipped to its end tag; or a start tag, with its
# attributes up to the `>` that ends it (one inside a quoted value does not). Possessive
# and atomic: no backtracking on a tag left open, and the long stylesheet read in strides.
_ATTRIBUTES = r"""((?>[^>"']+|"[^"]*"|'[^']*')*+)"""
_MARKUP = re.compile(
    r"<(?:!--(?:-?>|(?:[^-]++|-(?!-!?>))*+--!?>)"
    rf"|(script|style|textarea|title)\b{_ATTRIBUTES}>[^<]*+(?:<(?!/\1[\s/>])[^<]*+)*+</\1[\s/>]"
    rf"|[a-z][^\s/>]*{_ATTRIBUTES}>)",
    re.DOTALL | re.IGNORECASE,
)
# One attribute of a start tag, its value whole: quoted, or unquoted up to a space or `>`.
_ATTRIBUTE = re.compile(
    r"""[\s/]*([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?"""
)
_LINKING = {"href", "src", "srcset", "id"}
_XML_TEXT_LINKS = {"loc", "link"}
# What the last checks read, below BuildState.cache (sitekit.links.publish.Site.read_before).
CACHE = "link-pages.pickle"
# Stands in for the site's address when it has none (local builds use root-relative URLs).
PLACEHOLDER_SITE = "https://site.invalid"


@dataclass(frozen=True)
class Page:
    """What the check needs of one written page."""

    links: tuple[str, ...]
    ids: frozenset[str]


def read_html(text: str) -> Page:
    """The links and ids of a page. Each is interned: pages mostly repeat the same links
    (174,000 links on 8,000 pages, 8,000 of them different, at 5,000 articles), so the
    pages held for the check and kept in its cache share one string for each."""
    links, ids = [], set()
    for _, raw_text_tag, tag in _MARKUP.findall(text):
        attributes = raw_text_tag or tag
        if "=" not in attributes:
            continue
        for name, double_quoted, single_quoted, bare in _ATTRIBUTE.findall(attributes):
            name = name.lower()
            if name not in _LINKING:
                continue
            value = html.unescape(double_quoted or single_quoted or bare)
            if name == "srcset":
                links += [sys.intern(c.split()[0]) for c in value.split(",") if c.strip()]
            elif name == "id":
                ids.add(sys.intern(value))
            else:
                links.append(sys.intern(value))
    return Page(tuple(links), frozenset(ids))


def read_xml(path: Path) -> Page:
    links = []
    for element in ET.parse(path).iter():
        links += [element.attrib[name] for name in ("href", "src") if name in element.attrib]
        if element.tag.rsplit("}", 1)[-1] in _XML_TEXT_LINKS and (element.text or "").strip():
            links.append(element.text.strip())
    return Page(tuple(links), frozenset())


class Site:
    """The written files and the address they will be published at."""

    def __init__(self, output: Path, site_url: str, digests: dict[str, str] | None = None) -> None:
        self.output = output
        self.root = (site_url.rstrip("/") or PLACEHOLDER_SITE) + "/"
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.root))
        self.files = files_below(output)
        self.pages: dict[str, Page] = {}
        # Root-relative and absolute links, which lead to the same place from every page.
        self._known: dict[str, tuple[str, str] | None] = {}
        # What earlier checks read, by the sha256 of a page's bytes (`digests`: name -> sha256).
        self.digests = digests or {}
        self.read_before: dict[str, Page] = {}

    def url_of(self, name: str) -> str:
        return self.root + name.removesuffix("index.html")

    def target(self, url: str) -> str | None:
        """The written file an internal URL leads to, or None."""
        path = unquote(urlsplit(url[len(self.root) :]).path)
        for candidate in (path, f"{path.rstrip('/')}/index.html".lstrip("/")):
            if candidate in self.files:
                return candidate
        return None

    def problem(self, page: str, link: str) -> tuple[str, str] | None:
        """(what is wrong, the address below the site's root it leads to), or None when fine."""
        if link in self._known:  # most links: navigation, tags, articles
            return self._known[link]
        link = link.strip()
        if link.startswith("#") and (link == "#" or link[1:] in self.page(page).ids):
            return None  # a place on the same page (the skip link, the contents, notes)
        if link.startswith(self.origin) or (link.startswith("/") and not link.startswith("//")):
            # The same on every page: most links are (navigation, tags, articles), so once each.
            if link not in self._known:
                self._known[link] = self._problem(self.root, link)
            return self._known[link]
        if link.startswith(("http:", "https:", "mailto:", "tel:", "//")):
            return None  # another site: never fetched
        return self._problem(self.url_of(page), link)

    def _problem(self, base: str, link: str) -> tuple[str, str] | None:
        absolute, fragment = urldefrag(urljoin(base, link))
        if absolute != self.origin and not absolute.startswith(self.origin + "/"):
            return None  # another site, or mailto: and the like: never fetched
        path = "/" + absolute[len(self.origin) + 1 :]
        if not (absolute + "/").startswith(self.root):
            return f"is outside the site's address {self.root}", path
        below_root = absolute[len(self.root) :]
        target = self.target(absolute)
        if target is None:
            return f"leads nowhere: nothing is published at {path}", below_root
        if fragment and target.endswith(".html") and fragment not in self.page(target).ids:
            return f"leads to {path}, which has no section with id '{fragment}'", below_root
        return None

    def below_root(self, page: str, link: str) -> str | None:
        """The address below the site's root (`/old/`) a link of `page` leads to, if internal."""
        link = link.strip()
        if not link or link.startswith(("#", "mailto:", "tel:")):
            return None
        absolute, _ = urldefrag(urljoin(self.url_of(page), link))
        if not absolute.startswith(self.root):
            return None
        return "/" + unquote(urlsplit(absolute[len(self.root) :]).path)

    def page(self, name: str) -> Page:
        if name not in self.pages:
            path = self.output / name
            digest = self.digests.get(name)
            if digest in self.read_before:
                self.pages[name] = self.read_before[digest]
            elif name.endswith(".xml"):
                self.pages[name] = read_xml(path)
            else:
                self.pages[name] = read_html(path.read_text("utf-8"))
        return self.pages[name]

    def pages_by_digest(self) -> dict[str, Page]:
        """What this check read, to be given to the next one as `read_before`."""
        return {self.digests[n]: page for n, page in self.pages.items() if n in self.digests}


def source_line(source: Path, link: str) -> int | None:
    """The line of the Markdown source where the link is written, as near as it can be found."""
    try:
        lines = source.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    _, fragment = urldefrag(link)
    stem = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    for needle in (link, f"#{fragment}" if fragment else None, stem or None):
        for number, line in enumerate(lines, start=1):
            if needle and needle in line:
                return number
    return None


def check_links(
    output: Path,
    site_url: str,
    sources: dict[str, tuple[Path, Callable[[], frozenset[str]]]] | None = None,
    unpublished: dict[str, tuple[str, Path]] | None = None,
    shown: Callable[[Path], str] = str,
    output_name: str | None = None,
    digests: dict[str, str] | None = None,
    cache: Path | None = None,
    moved: dict[str, str] | None = None,
    notes: dict[str, list[str]] | None = None,
) -> list[Problem]:
    """Every broken internal link in the written HTML and XML files, one problem per place.

    `sources` maps a page to the Markdown file it was made from and a function
    giving the links of its text; `unpublished` maps the site path of a draft or scheduled
    article to what it is; `shown` names a source file as an editor reads it, and
    `output_name` the output folder. With `digests` (page -> sha256 of its bytes)
    and a `cache` file, a page read by an earlier check with the same bytes is
    not read again. With `moved` (old address -> new, as `/old/`), each link of a text
    to an old address adds a line to `notes` (source as shown -> lines).
    """
    sources, unpublished = sources or {}, unpublished or {}
    site = Site(output, site_url, digests)
    if cache is not None:
        site.read_before = _load(cache)
    from_sources: dict[tuple[Path, str], str] = {}
    from_templates: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in sorted(n for n in site.files if n.endswith((".html", ".xml"))):
        for link in dict.fromkeys(site.page(name).links):
            found = site.problem(name, link)
            if found is None:
                continue
            reason, below_root = found
            if below_root in unpublished and reason.startswith("leads nowhere"):
                what, article = unpublished[below_root]
                reason = f"leads to {what} ({shown(article)}), which is not published yet"
            source, text_links = sources.get(name, (None, frozenset))
            if source is not None and link in text_links():
                from_sources.setdefault((source, link), reason)
            else:
                from_templates[(link, reason)].append(name)
    problems = [
        Problem(
            shown(source),
            source_line(source, link),
            f"the link '{link}' {reason}. Correct the address, or remove the link.",
        )
        for (source, link), reason in from_sources.items()
    ]
    for (link, reason), pages in from_templates.items():
        others = f" and {len(pages) - 1} other pages" if len(pages) > 1 else ""
        problems.append(
            Problem(
                f"{output_name or output.name}/{pages[0]}",
                None,
                f"the link '{link}'{others} {reason}. It comes from the theme or the settings: "
                "correct it there.",
            )
        )
    if moved and notes is not None:
        _note_moved(site, sources, moved, notes, shown)
    if cache is not None:
        _save(cache, site.pages_by_digest())
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def _note_moved(
    site: Site,
    sources: dict[str, tuple[Path, Callable[[], frozenset[str]]]],
    moved: dict[str, str],
    notes: dict[str, list[str]],
    shown: Callable[[Path], str],
) -> None:
    """A line for each text's link to an old address: it works, through a redirect."""
    forms = {}
    for old, new in moved.items():
        for form in (old, old.rstrip("/"), old + "index.html" if old.endswith("/") else old):
            forms[form] = new
    for name, (source, text_links) in sorted(sources.items()):
        if name not in site.files:
            continue
        for link in sorted(text_links()):
            if (new := forms.get(site.below_root(name, link) or "")) is not None:
                notes.setdefault(shown(source), []).append(
                    f"the link '{link}' leads to an old address, which redirects to {new}: "
                    "it works, but could link to the new address directly"
                )


def _load(cache: Path) -> dict[str, Page]:
    try:
        with cache.open("rb") as file:
            loaded = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _save(cache: Path, pages: dict[str, Page]) -> None:
    """Written whatever the check found: a page's links depend only on its bytes."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    replace_with(pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL), cache)
