"""Check every Markdown source before Pelican writes anything, in words an editor understands.

Pelican skips an article with a bad date or a missing title and still reports
success. Here every problem becomes an error that names the file and, where it
helps, the line, and says what to do. All files are checked in one run.

The metadata block is read with Python-Markdown's own patterns, so what is
checked here is exactly what Pelican will see. The runner runs the check in a
forked process while Pelican reads, and stops Pelican before it writes a page
if the check found a problem (build.SourceCheck).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import markdown
from markdown.extensions.meta import META_MORE_RE, META_RE
from pelican.utils import slugify

from sitekit.core.dates import date_problem, parse_iso
from sitekit.core.problems import Problem, display_path
from sitekit.core.sources import markdown_files, stray_files
from sitekit.core.state import Options
from sitekit.images.check import image_file, image_problems, unreadable
from sitekit.people import model as people
from sitekit.people.check import check_credits

__all__ = ["PLACEHOLDER", "Source", "markdown_files", "parse", "read_source", "validate"]

REQUIRED = ("title", "date", "category", "summary")
# A page (content/pages/) needs no date or category.
PAGE_REQUIRED = ("title", "summary")
# Every field Pelican or this theme understands; a near miss is probably a typo.
KNOWN = (
    *REQUIRED,
    "tags",
    "slug",
    "modified",
    "status",
    "author",
    "authors",
    "lang",
    "template",
    "save_as",
    "url",
    "translation",
    "related_posts",
    "image",
    "reviewed-by",
    "last-reviewed",
)
SUMMARY_LIMIT = 160
PLACEHOLDER = "TODO"
BANNED_ELEMENTS = {"script", "iframe"}
# Cheap test before rendering: only a file that matches can hold banned HTML.
_MAYBE_BANNED = re.compile(r"<\s*(script|iframe)\b|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_INTERNAL_LINK = re.compile(r"[{|](filename|static|attach)[}|]([^\s)\"'<>]+)")


@dataclass
class Source:
    path: Path
    shown: str
    fields: dict[str, tuple[str, int]]  # lowercased key -> (value, line number)
    keys: dict[str, str]  # lowercased key -> the key as written
    body: str
    body_line: int

    def value(self, key: str) -> str:
        return self.fields.get(key, ("", 0))[0]

    def line_of(self, key: str) -> int | None:
        return self.fields[key][1] if key in self.fields else None

    @property
    def draft(self) -> bool:
        return self.value("status").lower() == "draft"


def parse(path: Path, text: str, shown: str) -> Source:
    """Split a Markdown file into its metadata fields and its body, as the meta extension does."""
    lines = text.split("\n")
    fields: dict[str, tuple[str, int]] = {}
    keys: dict[str, str] = {}
    key = None
    number = 0
    for number, line in enumerate(lines, start=1):
        if match := META_RE.match(line):
            key = match.group("key").strip().lower()
            keys[key] = match.group("key").strip()
            fields[key] = (match.group("value").strip(), number)
        elif key and (match := META_MORE_RE.match(line)):
            value, first = fields[key]
            fields[key] = (f"{value} {match.group('value').strip()}", first)
        else:
            break
    else:
        number += 1
    body = "\n".join(lines[number - 1 :])
    return Source(path, shown, fields, keys, body, number)


class _TagFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BANNED_ELEMENTS:
            self.found.append(f"<{tag}>")
        self.found += [f"{name}= on <{tag}>" for name, _ in attrs if name.startswith("on")]


def banned_html(markdown_text: str) -> list[str]:
    """Scripts, frames and event handlers that would reach the page, not those shown as code."""
    if not _MAYBE_BANNED.search(markdown_text):
        return []
    finder = _TagFinder()
    finder.feed(markdown.markdown(markdown_text, extensions=["extra"]))
    return finder.found


def first_line_matching(source: Source, needle: str) -> int | None:
    word = needle.strip("<>").split("=")[0].lower()
    for offset, line in enumerate(source.body.split("\n")):
        if word in line.lower():
            return source.body_line + offset
    return None


def _comparable(moment: datetime) -> datetime:
    """Dates with and without a UTC offset compare by their wall-clock time."""
    return moment.replace(tzinfo=None)


def check_fields(source: Source, kind: str = "article") -> list[Problem]:
    """The fields of an article, or (kind="page") of a page."""
    problems = []

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(source.shown, line, message))

    draft = source.draft
    for key in REQUIRED if kind == "article" else PAGE_REQUIRED:
        if key not in source.fields:
            problem(
                None,
                f"the '{key.title()}:' field is missing. Add a line '{key.title()}: ...' to the fields at the top, before the first empty line.",
            )
        elif not source.value(key):
            problem(
                source.line_of(key), f"'{source.keys[key]}:' is empty. Give the {kind} a {key}."
            )

    if not draft:
        for key, (value, line) in source.fields.items():
            if value.startswith(PLACEHOLDER):
                problem(
                    line,
                    f"'{source.keys[key]}:' still holds the {PLACEHOLDER} placeholder from `invoke new`. Fill it in, or keep 'Status: draft' until you do.",
                )
        if source.body.strip().startswith(PLACEHOLDER):
            problem(
                source.body_line,
                f"the text still starts with the {PLACEHOLDER} placeholder from `invoke new`. Write the {kind}, or keep 'Status: draft' until you do.",
            )

    summary = source.value("summary")
    if len(summary) > SUMMARY_LIMIT:
        problem(
            source.line_of("summary"),
            f"the Summary is {len(summary)} characters long. Keep it to {SUMMARY_LIMIT} or fewer: search engines cut it off there.",
        )

    for key in ("date", "modified"):
        if source.value(key) and (message := date_problem(source.keys[key], source.value(key))):
            problem(source.line_of(key), message)
    published, modified = parse_iso(source.value("date")), parse_iso(source.value("modified"))
    if published and modified and _comparable(modified) < _comparable(published):
        problem(
            source.line_of("modified"),
            f"'{source.keys['modified']}: {source.value('modified')}' is earlier than "
            f"'{source.keys['date']}: {source.value('date')}'. Modified is when the article last "
            "changed, so it cannot come before the date it was published: correct one of them.",
        )

    for key, written in source.keys.items():
        if key not in KNOWN and (guess := difflib.get_close_matches(key, KNOWN, n=1, cutoff=0.75)):
            problem(
                source.line_of(key),
                f"unknown field '{written}:'. Did you mean '{guess[0].title()}:'?",
            )

    if not source.body.strip():
        problem(
            None,
            f"the {kind} has no text. Write the {kind} below the fields, after one empty line.",
        )
    return problems


def check_body(source: Source, content_root: Path) -> list[Problem]:
    problems = []
    for found in banned_html(source.value("summary")):
        problems.append(
            Problem(
                source.shown,
                source.line_of("summary"),
                f"{found} is not allowed in the Summary: the site runs no JavaScript. Remove it.",
            )
        )
    for found in banned_html(source.body):
        problems.append(
            Problem(
                source.shown,
                first_line_matching(source, found),
                f"{found} is not allowed in an article: the site runs no JavaScript and its security policy would block it. Remove it.",
            )
        )
    for offset, line in enumerate(source.body.split("\n")):
        for kind, target in _INTERNAL_LINK.findall(line):
            path = target.split("#", 1)[0].split("?", 1)[0]
            base = content_root if path.startswith("/") else source.path.parent
            if path and not (base / path.lstrip("/")).exists():
                problems.append(
                    Problem(
                        source.shown,
                        source.body_line + offset,
                        f"the link {{{kind}}}{target} points to a file that does not exist. Check the file name (it is relative to this article's folder).",
                    )
                )
    return problems


def slug_of(source: Source, settings: dict) -> str:
    return source.value("slug") or slugify(
        source.value("title"), regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    )


def output_path(source: Source, settings: dict, kind: str = "article") -> str:
    draft = source.draft
    names = {
        ("article", False): "ARTICLE_SAVE_AS",
        ("article", True): "DRAFT_SAVE_AS",
        ("page", False): "PAGE_SAVE_AS",
        ("page", True): "DRAFT_PAGE_SAVE_AS",
    }
    pattern = settings[names[kind, draft]]
    return source.value("save_as") or pattern.format(slug=slug_of(source, settings))


def footer_page_problems(settings: dict, page_slugs: set[str]) -> list[Problem]:
    """FOOTER_PAGES names published pages only (a content folder with no pages has no links)."""
    if not page_slugs:
        return []
    return [
        Problem(
            "FOOTER_PAGES in the settings",
            None,
            f"names the page '{slug}', but no published page in content/pages has that Slug. "
            f"Pages: {', '.join(sorted(page_slugs)) or 'none'}.",
        )
        for slug in settings.get("FOOTER_PAGES", [])
        if slug not in page_slugs
    ]


def read_source(path: Path, shown: str) -> Source | Problem:
    data = path.read_bytes()
    if not data.strip():
        return Problem(
            shown,
            None,
            "the file is empty. Add the fields (Title, Date, Category, Summary) and the article's text, or delete the file.",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Problem(
            shown,
            line,
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}). Save it with UTF-8 encoding in your editor.",
        )
    return parse(path, text.removeprefix("\ufeff"), shown)


def field_image_problems(source: Source, named: str, root: Path, limit: int) -> list[Problem]:
    """The `Image:` field names a file below content/, as `{static}/...` would."""
    path = image_file("{static}/" + named.split("}", 1)[-1].lstrip("/"), source.path, root)
    line = source.line_of("image")
    if path is None or not path.is_file():
        return [
            Problem(
                source.shown,
                line,
                f"'Image: {named}' names a file that does not exist. Give the path below content/, "
                "for example 'Image: images/photo.jpg'.",
            )
        ]
    if wrong := unreadable(path, limit):
        return [Problem(source.shown, line, f"the image {named} {wrong}")]
    return []


def validate(settings: dict, shown_relative_to: Path) -> list[Problem]:
    """Every problem in every Markdown source, sorted by file and line."""
    root = Path(settings["PATH"])
    options = Options.from_settings(settings)
    problems: list[Problem] = []
    written_to: dict[str, list[str]] = defaultdict(list)
    prefix = display_path(root, shown_relative_to)
    problems += stray_files(settings, prefix)
    people_path = people.people_file(settings)
    people_shown = f"{prefix}/{people_path.relative_to(root).as_posix()}"
    described, people_problems = people.load(people_path, people_shown)
    problems += people_problems
    page_slugs = set()
    sources = [(path, "article") for path in markdown_files(settings)]
    sources += [(path, "page") for path in markdown_files(settings, "PAGE")]
    for path, kind in sources:
        shown = f"{prefix}/{path.relative_to(root).as_posix()}"
        source = read_source(path, shown)
        if isinstance(source, Problem):
            problems.append(source)
            continue
        if kind == "page" and not source.draft:
            page_slugs.add(slug_of(source, settings))
        problems += check_fields(source, kind) + check_body(source, root)
        if described or not people_problems:  # a file that does not parse is reported alone
            problems += check_credits(source, described, people_shown)
        problems += image_problems(
            shown, source.body, source.body_line, path, root, options.image_max_megapixels
        )
        if named := source.value("image"):
            problems += field_image_problems(source, named, root, options.image_max_megapixels)
        if source.value("title") and (target := output_path(source, settings, kind)):
            written_to[target].append(shown)
    problems += footer_page_problems(settings, page_slugs)
    for target, shown_paths in written_to.items():
        if len(shown_paths) > 1:
            others = " and ".join(shown_paths[1:])
            problems.append(
                Problem(
                    shown_paths[0],
                    None,
                    f"this file and {others} would be written to the same place, {target}. Give each a different Slug.",
                )
            )
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
