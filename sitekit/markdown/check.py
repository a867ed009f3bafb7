"""The Markdown checks: the fields of an article or page, its text (banned HTML, links to
files), where it will be written, and the footer's pages, in words an editor understands.

Pelican skips an article with a bad date or a missing title and still reports
success. Here every problem becomes an error that names the file and, where it
helps, the line, and says what to do. The runner's sources check
(runner.sources) calls these with every other feature's checks.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import markdown
from pelican.utils import slugify

from sitekit.core.dates import date_problem, parse_iso
from sitekit.core.problems import Problem
from sitekit.core.sources import Source, within

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
            file = base / path.lstrip("/")
            # A path outside content/ is refused by containment.check, not looked at here.
            if path and within(file, content_root) and not file.exists():
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
