"""The Markdown checks: the fields of an article or page, its text (banned HTML, links to
files), where it will be written, and the footer's pages, in words an editor understands.

Pelican skips an article with a bad date or a missing title and still reports
success. Here every problem becomes an error that names the file and, where it
helps, the line, and says what to do. The runner's sources check
(runner.sources) calls these with every other feature's checks.
"""

from __future__ import annotations

import difflib
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import markdown
from pelican.readers import ensure_metadata_list

from sitekit.core import addresses
from sitekit.core.dates import date_problem, parse_iso
from sitekit.core.problems import Problem
from sitekit.core.sources import Source, within
from sitekit.core.suggest import did_you_mean
from sitekit.markdown import editor_notes, footnotes, sanitize, syntax
from sitekit.markdown.sanitize import Refusal

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
    "review-by",
    # sitekit.redirects: the article's or page's former addresses.
    "redirect-from",
)
SUMMARY_LIMIT = 160
# Fields that give a page's address or file. Pelican writes the address of the page a
# `{filename}` link names into the sanitized text as it is, so a quote there would end
# the link's href and start an attribute (`Slug: a/"onmouseover="...`): words of letters,
# digits, `.`, `_`, `~` and `-`, between single slashes, with no scheme or host.
ADDRESS_FIELDS = ("slug", "url", "save_as")
_ADDRESS = re.compile(r"[\w.~-]+(?:/[\w.~-]+)*/?")
# Lang is part of the address of an article in another language ({slug}-{lang}.html).
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
PLACEHOLDER = "TODO"
# Only text with `<` (raw HTML, autolinks) or `{` (attribute lists: `{: onclick=...}`)
# can make an element or attribute off the allowlist (sitekit.markdown.sanitize): the
# rest of Markdown's syntax makes only elements on the list. A link or an image (`[`)
# can add an address with another scheme, which needs a word and a colon before it
# (`javascript:`, or `java<tab>script:`, which also holds `script:`) or a character
# reference (`&#106;avascript:`).
_SCHEME_LIKE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# A link's or image's address that starts with Pelican's `{filename}` or `{static}` is no
# attribute list, and most texts have them.
_LINK_TO_FILE = re.compile(r"\]\(\{(?:filename|static|attach)\}")


def may_hold_html(text: str) -> bool:
    """False only for text whose HTML is on the allowlist without a doubt: a cheap test."""
    if "<" in text or ("{" in text and "{" in _LINK_TO_FILE.sub("](", text)):
        return True
    if "[" not in text:
        return False
    return "&" in text or any(
        word.lower() not in sanitize.URL_SCHEMES for word in _SCHEME_LIKE.findall(text)
    )


_INTERNAL_LINK = re.compile(r"[{|](filename|static|attach)[}|]([^\s)\"'<>]+)")


# One Markdown instance per configuration (its repr), made as the reader makes it.
_converters: dict[str, markdown.Markdown] = {}


def _converter(config: dict[str, Any]) -> markdown.Markdown:
    key = repr(config)
    if key not in _converters:
        # As Pelican's MarkdownReader does: every configured extension is loaded.
        extensions = [*config.get("extensions", [])]
        extensions += [
            name for name in config.get("extension_configs", {}) if name not in extensions
        ]
        converter = markdown.Markdown(**{**config, "extensions": extensions})
        # The fields are gone from the text: a first line "Note: ..." is text, not a field.
        if "meta" in converter.preprocessors:
            converter.preprocessors.deregister("meta")
        _converters[key] = converter
    return _converters[key]


def rendered(text: str, settings: dict[str, Any], notes: bool = True) -> str:
    """The HTML the reader makes of this text before sanitizing it: with the site's Markdown
    settings, and (`notes`) footnotes as the Sources section."""
    converter = _converter(settings["MARKDOWN"])
    converter.reset()
    html = converter.convert(text)
    return (
        footnotes.as_sources(html, settings.get("FOOTNOTES_HEADING", "Sources")) if notes else html
    )


def refused_html(text: str, settings: dict[str, Any], notes: bool = True) -> list[Refusal]:
    """What this Markdown would put on a page that the allowlist does not allow."""
    if not may_hold_html(text):
        return []
    return sanitize.refusals(rendered(text, settings, notes))


def describe(refusal: Refusal, where: str) -> str:
    """One refusal in an editor's words; `where` is "in an article", "in the Summary"..."""
    if refusal.url is not None:
        what = "image" if refusal.element == "img" else "link"
        return (
            f"the {what} address '{_shorten(refusal.url)}' is not allowed {where}: an address "
            "starts with http:// or https://, mailto: for e-mail, or names a page of this site. "
            f"Correct the address, or remove the {what}."
        )
    if refusal.element == "style" or any(name == "style" for name, _ in refusal.attributes):
        what = "<style>" if refusal.element == "style" else f'style="…" on <{refusal.element}>'
        return (
            f"{what} is not allowed {where}: the site's security policy blocks styles written "
            "in a text, so readers would not see them. Remove it: use Markdown, or ask for a "
            "class in the theme."
        )
    if refusal.element == "h1":
        return (
            f"{refusal.shown()} is not allowed {where}: the title is the page's one <h1>. "
            "Write the heading as '## Heading' instead (or <h2>)."
        )
    if refusal.element not in sanitize.ELEMENTS:
        return (
            f"{refusal.shown()} is not allowed {where}: the text may hold Markdown and a few plain "
            "HTML elements such as <b> or <sub>, nothing that could run a script, load another "
            "page, send readers elsewhere or restyle the page. Remove it."
        )
    names = ", ".join(name for name, _ in refusal.attributes)
    if any(sanitize.is_handler(name) for name, _ in refusal.attributes):
        return f"{refusal.shown()} is not allowed {where}: it would run a script. Remove {names}."
    if all(sanitize.name_allowed(refusal.element, name) for name, _ in refusal.attributes):
        name, value = refusal.attributes[0]
        if name in sanitize.URL_ATTRIBUTES:
            return (
                f"the address '{_shorten(value)}' {where} cannot be read as a web address. "
                "Correct it."
            )
        return (
            f'{refusal.shown()} is not allowed {where}: {name}="{_shorten(value)}" is not a '
            f"value the site allows there. Remove {names}."
        )
    return (
        f"{refusal.shown()} is not allowed {where}: the text's <{refusal.element}> may not "
        f"carry {names}. Remove {names}."
    )


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def locate(source: Source, refusal: Refusal, after: int = 0) -> int | None:
    """The line of the text where the refused HTML is written, as near as it can be told:
    the first line from `after` (an index into the text's lines) that shows it."""
    needles = []
    if refusal.url is not None:
        url = refusal.url.strip()
        needles += [url, url.split(":", 1)[-1], (sanitize.scheme(url) or "") + ":"]
    names = [name for name, _ in refusal.attributes]
    needles += [name for name in names if sanitize.is_handler(name)]
    needles += [f"<{refusal.element}", *names, "{", "<", "["]
    lines = [line.lower() for line in source.body.split("\n")]
    for start in dict.fromkeys((after, 0)):
        for needle in needles:
            for offset in range(start, len(lines)):
                if needle and needle.lower() in lines[offset]:
                    return source.body_line + offset
    return None


def _comparable(moment: datetime) -> datetime:
    """Dates with and without a UTC offset compare by their wall-clock time."""
    return moment.replace(tzinfo=None)


def custom_fields(settings: dict[str, Any]) -> tuple[frozenset[str], list[Problem]]:
    """The fields an editor declared as the site's own (CUSTOM_FIELDS), lower-cased, and a
    problem if the setting is not a list of names."""
    value = settings.get("CUSTOM_FIELDS") or []
    if isinstance(value, list | tuple) and all(isinstance(n, str) and n.strip() for n in value):
        return frozenset(name.strip().lower() for name in value), []
    return frozenset(), [
        Problem(
            "CUSTOM_FIELDS in the settings",
            None,
            'must be a list of field names, e.g. CUSTOM_FIELDS = ["update"].',
        )
    ]


def check_fields(
    source: Source, kind: str = "article", custom: frozenset[str] = frozenset()
) -> list[Problem]:
    """The fields of an article, or (kind="page") of a page; `custom` are the fields the
    settings declare (CUSTOM_FIELDS), which are never taken for typos."""
    if found := syntax.front_matter_problem(source):
        return [found]  # one line for the file, not one for each field it seems to lack
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

    for key in ADDRESS_FIELDS:
        if (value := source.value(key)) and not _ADDRESS.fullmatch(value):
            problem(
                source.line_of(key),
                f"'{source.keys[key]}: {_shorten(value)}' may hold only letters, digits, dashes, "
                "dots and underscores, with single slashes between words: it becomes the "
                "page's address. Remove quotes, spaces and other signs (such as "
                "'Slug: neck-tension').",
            )

    if (lang := source.value("lang")) and not _LANGUAGE.fullmatch(lang):
        problem(
            source.line_of("lang"),
            f"'{source.keys['lang']}: {_shorten(lang)}' is not a language code such as 'en' or "
            "'en-GB': it becomes part of the page's address. Correct it.",
        )

    for key, written in source.keys.items():
        if key in custom or key in KNOWN:
            continue
        if guess := difflib.get_close_matches(key, KNOWN, n=1, cutoff=0.75):
            problem(
                source.line_of(key),
                f"unknown field '{written}:'. Did you mean '{guess[0].title()}:'? If "
                f"'{written}:' is a field of your own, declare it once in pelicanconf.py: "
                f'CUSTOM_FIELDS = ["{key}"].',
            )
    if found := syntax.aliases_problem(source):
        problems.append(found)

    if not source.body.strip():
        problem(
            None,
            f"the {kind} has no text. Write the {kind} below the fields, after one empty line.",
        )
    return problems


def check_body(
    source: Source,
    content_root: Path,
    settings: dict[str, Any] | None = None,
    kind: str = "article",
) -> list[Problem]:
    """The text and the Summary: HTML off the allowlist, and links to files that do not exist.

    `settings` give the Markdown settings the reader converts with (Pelican's defaults
    without them)."""
    problems = []
    for refusal in refused_html(source.markdown("summary"), settings, notes=False):
        problems.append(
            Problem(source.shown, source.line_of("summary"), describe(refusal, "in the Summary"))
        )
    after = 0
    for refusal in refused_html(source.body, settings):
        line = locate(source, refusal, after)
        after = line - source.body_line if line is not None else after
        problems.append(Problem(source.shown, line, describe(refusal, f"in {_a(kind)}")))
    for offset, message in editor_notes.problems(source.body):
        problems.append(Problem(source.shown, source.body_line + offset, message))
    problems += syntax.foreign_syntax_problems(
        source, lambda text: rendered(text, settings or {"MARKDOWN": {}})
    )
    for offset, line in enumerate(source.body.split("\n")):
        for found in _INTERNAL_LINK.finditer(line):
            marker, target = found.groups()
            path = target.split("#", 1)[0].split("?", 1)[0]
            base = content_root if path.startswith("/") else source.path.parent
            file = base / path.lstrip("/")
            # A path outside content/ is refused by containment.check, not looked at here.
            if path and within(file, content_root) and not file.exists():
                what = "image" if _IMAGE_BEFORE.search(line, 0, found.start()) else "link"
                written = f"{{{marker}}}{target}"
                if instead := did_you_mean(path, source.path.parent, content_root):
                    advice = f"Did you mean {{{marker}}}{instead}{target[len(path) :]}?"
                else:
                    advice = _where_read(path, source, content_root, kind)
                problems.append(
                    Problem(
                        source.shown,
                        source.body_line + offset,
                        f"the {what} {written} points to a file that does not exist. {advice}",
                    )
                )
    return problems


# What comes before an image's address: ![alt]( or ![alt](<
_IMAGE_BEFORE = re.compile(r"!\[[^\]]*\]\(\s*<?$")


def _where_read(path: str, source: Source, content_root: Path, kind: str) -> str:
    """Where the checked path was looked for, in the form the editor wrote it."""
    shown = Path(source.shown)
    depth = (
        len(source.path.relative_to(content_root).parts) if within(source.path, content_root) else 1
    )
    root = shown.parents[depth - 1].as_posix() if depth <= len(shown.parents) else "content"
    if path.startswith("/"):
        return (
            f"Check the file name: a path that starts with / is read from {root}/, so this one "
            f"names {root}/{path.lstrip('/')}."
        )
    named = os.path.normpath(shown.parent / path)
    return (
        f"Check the file name: a path without / in front is read from this {kind}'s folder, "
        f"so this one names {named}; start it with / to read it from {root}/."
    )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def slug_of(source: Source, settings: dict) -> str:
    """The slug Pelican gives the source (sitekit.core.addresses)."""
    relative = source.path.relative_to(settings["PATH"]).as_posix()
    return addresses.slug(_values(source), relative, settings)


def name_problems(source: Source, settings: dict) -> list[Problem]:
    """A tag or category whose name gives Pelican no slug (`Tags: [`, `Category: ???`), and so
    no page: named by its field's line, before Pelican would warn about it with no line."""
    problems = []
    for key, kind in (("tags", "tag"), ("category", "category")):
        value = source.value(key)
        names = ensure_metadata_list(value) if key == "tags" else [value.strip()]
        for name in names:
            if name and not addresses.wrapper_slug(kind, name, settings):
                problems.append(
                    Problem(
                        source.shown,
                        source.line_of(key),
                        f"the {kind} '{name}' has no letter or digit to make its address "
                        f"({kind}/NAME/) from: write it with letters or digits, or remove it.",
                    )
                )
    return problems


def output_path(source: Source, settings: dict, kind: str = "article") -> str | None:
    """Where Pelican will write the source, with every placeholder of its address pattern
    worked out as Pelican does (sitekit.core.addresses); None when a Date it needs cannot
    be read. Raises addresses.MissingField for a placeholder the source has no field for."""
    relative = source.path.relative_to(settings["PATH"]).as_posix()
    return addresses.address(_values(source), relative, settings, kind)


def _values(source: Source) -> dict[str, str]:
    return {key: value for key, (value, _line) in source.fields.items()}


def footer_page_problems(settings: dict, page_slugs: set[str]) -> list[Problem]:
    """FOOTER_PAGES and HEALTH_DISCLAIMER name published pages only (a content folder with no
    pages has no links)."""
    if not page_slugs:
        return []
    named = [("FOOTER_PAGES", slug) for slug in settings.get("FOOTER_PAGES", [])]
    if settings.get("HEALTH_DISCLAIMER"):
        named.append(("HEALTH_DISCLAIMER", settings["HEALTH_DISCLAIMER"]))
    return [
        Problem(
            f"{setting} in the settings",
            None,
            f"names the page '{slug}', but no published page in content/pages has that Slug. "
            f"Pages: {', '.join(sorted(page_slugs)) or 'none'}.",
        )
        for setting, slug in named
        if slug not in page_slugs
    ]
