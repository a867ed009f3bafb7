"""Check that every internal link in a built site resolves (used by the tests).

Every ``href`` and ``src`` in every HTML and XML file (plus sitemap ``<loc>``
and RSS ``<link>`` text) that points inside the site must name a file in the
output folder, and a ``#fragment`` must name an ``id`` on the target page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from tests.support.pages import parse_html, url_path

# Stands in for the site's address when it has none (local builds use root-relative URLs).
_PLACEHOLDER_SITE = "https://site.invalid"
_XML_TEXT_LINKS = {"loc", "link"}


@dataclass(frozen=True)
class BrokenLink:
    source: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.url} ({self.reason})"


def html_links(path: Path) -> list[str]:
    soup = parse_html(path)
    return [
        value
        for element in soup.find_all(True)
        for name in ("href", "src")
        if (value := element.get(name)) is not None
    ]


def xml_links(path: Path) -> list[str]:
    links = []
    for element in ET.parse(path).iter():
        local_name = element.tag.rsplit("}", 1)[-1]
        links.extend(element.attrib[name] for name in ("href", "src") if name in element.attrib)
        if local_name in _XML_TEXT_LINKS and element.text and element.text.strip():
            links.append(element.text.strip())
    return links


class Site:
    """A built site and the address it is published at."""

    def __init__(self, output: Path, site_url: str = "") -> None:
        self.output = output
        self.root = (site_url.rstrip("/") or _PLACEHOLDER_SITE) + "/"
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.root))

    def url_of(self, path: Path) -> str:
        return self.root + url_path(self.output, path)

    def file_for(self, url: str) -> Path | None:
        """The file an internal URL names, or None if it names none."""
        relative = unquote(urlsplit(url[len(self.root) :]).path)
        target = self.output / relative
        if relative == "" or relative.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    @cache  # noqa: B019 - one Site per check, ids are read once per page
    def ids(self, target: Path) -> frozenset[str]:
        soup = parse_html(target)
        return frozenset(element["id"] for element in soup.find_all(id=True))

    def problem(self, page_url: str, link: str) -> str | None:
        absolute, fragment = urldefrag(urljoin(page_url, link.strip()))
        if not absolute.startswith(self.origin + "/") and absolute != self.origin:
            return None  # another site, or mailto: and the like
        if not (absolute + "/").startswith(self.root):
            return f"outside the site's address {self.root}"
        target = self.file_for(absolute)
        if target is None:
            return "no such file in the output"
        if fragment and target.suffix == ".html" and fragment not in self.ids(target):
            return f"no id={fragment!r} on the target page"
        return None


def check_links(output: Path, site_url: str = "") -> list[BrokenLink]:
    """Every broken internal link in the output folder, in a stable order."""
    site = Site(Path(output), site_url)
    broken = []
    for path in sorted(site.output.rglob("*")):
        if path.suffix == ".html":
            links = html_links(path)
        elif path.suffix == ".xml":
            links = xml_links(path)
        else:
            continue
        page_url = site.url_of(path)
        source = path.relative_to(site.output).as_posix()
        for link in links:
            reason = site.problem(page_url, link)
            if reason:
                broken.append(BrokenLink(source, link, reason))
    return broken
