"""Where an article or a page will be written, from its fields, as Pelican works it out.

Pelican formats ARTICLE_SAVE_AS (and the other URL settings) with
`Content.url_format`: every field of the source, then `path`, `slug`, `lang`,
`date`, `author` and `category` as its Content object holds them. The sources
check has the fields as written, not a Content, so `url_format` here repeats
those few lines of Pelican 4.12 on them: the fields processed by Pelican's own
`METADATA_PROCESSORS` (a date as dateutil reads it, in TIMEZONE), the slug as
`Content.__init__` makes it, an author's or category's slug as `URLWrapper.slug`
makes it, and the setting chosen as `get_url_setting` chooses it (a draft, a
page, a language other than DEFAULT_LANG). tests/test_addresses.py builds with
each placeholder and compares with what Pelican wrote.

Nothing here logs: a slug Pelican cannot make is Pelican's warning to give, once.
"""

from __future__ import annotations

import datetime
import functools
import os
import string
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from pelican import readers
from pelican.utils import path_to_url, set_date_tzinfo, slugify

from sitekit.core.dates import parse_iso

# The settings Pelican reads for a language other than DEFAULT_LANG, and the setting of
# the site's language each one follows unless the settings file sets it.
LANG_SETTINGS = {
    f"{kind}_LANG_{what}": f"{kind}_{what}"
    for kind in ("ARTICLE", "DRAFT", "PAGE", "DRAFT_PAGE")
    for what in ("URL", "SAVE_AS")
}


def follow_site_language(settings: dict[str, Any], defined: set[str]) -> None:
    """Give an article in another language the address pattern of every other article:
    ARTICLE_LANG_SAVE_AS (and the rest) follow ARTICLE_SAVE_AS unless set."""
    for lang_key, key in LANG_SETTINGS.items():
        if lang_key not in defined and key in settings:
            settings[lang_key] = settings[key]


def _slugify(value: str, settings: Mapping[str, Any], regex_subs: Any) -> str:
    return _cached_slugify(
        value,
        tuple(tuple(sub) for sub in regex_subs),
        settings.get("SLUGIFY_PRESERVE_CASE", False),
        settings.get("SLUGIFY_USE_UNICODE", False),
    )


@lru_cache(maxsize=4096)
def _cached_slugify(
    value: str, regex_subs: tuple[tuple[str, str], ...], preserve_case: bool, use_unicode: bool
) -> str:
    """Pelican's slugify, once a value: the check asks for the same tag's, category's and
    author's slug in article after article (0.15 s of 0.55 at 1,000 articles)."""
    return slugify(
        value,
        regex_subs=[list(sub) for sub in regex_subs],
        preserve_case=preserve_case,
        use_unicode=use_unicode,
    )


def with_path_fields(
    fields: Mapping[str, str], path: str, settings: Mapping[str, Any]
) -> dict[str, str]:
    """The source's fields over those Pelican's reader gives every source first, by its own
    functions: DEFAULT_METADATA, DEFAULT_CATEGORY and DEFAULT_DATE, EXTRA_PATH_METADATA,
    FILENAME_METADATA and PATH_METADATA, and the folder as the category (a page in pages/
    is in the category "pages"). `path` is below PATH."""
    found = readers.default_metadata(settings)
    full_path = os.path.join(str(settings.get("PATH", "")), path)
    found.update(readers.path_metadata(full_path, path, settings))
    found.update(readers.parse_path_metadata(path, settings))
    given = {
        key.lower(): value.isoformat() if isinstance(value, datetime.datetime) else str(value)
        for key, value in found.items()
    }
    return {**given, **fields}


def slug(fields: Mapping[str, str], path: str, settings: Mapping[str, Any]) -> str:
    """The slug Pelican gives the source (`path` below PATH): its Slug field (given by the
    file or by its path), or one made from SLUGIFY_SOURCE."""
    return _slug(with_path_fields(fields, path, settings), path, settings)


def _slug(fields: Mapping[str, str], path: str, settings: Mapping[str, Any]) -> str:
    if given := (fields.get("slug") or "").strip():
        return given
    source = settings.get("SLUGIFY_SOURCE", "title")
    if source == "basename":
        value = os.path.basename(os.path.splitext(str(path))[0])
    else:
        value = fields.get("title") or ""
    return _slugify(value, settings, settings.get("SLUG_REGEX_SUBSTITUTIONS", []))


def wrapper_slug(kind: str, name: str, settings: Mapping[str, Any]) -> str:
    """The slug of an Author, Category or Tag named `name`, as `URLWrapper.slug` makes it."""
    subs = settings.get(
        f"{kind.upper()}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
    )
    return _slugify(name, settings, subs)


def date(
    value: str, settings: Mapping[str, Any], timezone: str | None = None
) -> datetime.datetime | None:
    """The Date field as the reader makes it (dateutil), in the source's Timezone field or
    else TIMEZONE, as Pelican's Content does; None if unreadable (the check of the fields
    says what is wrong with it, Pelican what is wrong with a Timezone)."""
    return _date(value, timezone or settings.get("TIMEZONE", "UTC"))


@functools.lru_cache(maxsize=4096)
def _date(value: str, timezone: str) -> datetime.datetime | None:
    # The ISO form, which the check requires, reads the same in the standard library
    # and ten times faster than in dateutil. Not with a UTC offset: dateutil's offset has
    # no name for %Z, and its date Pelican's strftime for %F or %e.
    parsed = parse_iso(value)
    if parsed is None or parsed.tzinfo is not None:
        try:
            parsed = readers.METADATA_PROCESSORS["date"](value, None)
        except (ValueError, OverflowError):
            return None
    try:
        return set_date_tzinfo(parsed, timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class _Fields(Mapping[str, Any]):
    """`url_format`'s values, each worked out when a pattern names it."""

    def __init__(self, fields: Mapping[str, str], path: str, settings: Mapping[str, Any]) -> None:
        self.fields, self.path, self.settings = fields, path, settings

    def __getitem__(self, key: str) -> Any:
        fields, settings = self.fields, self.settings
        if key == "path":
            return path_to_url(fields.get("path") or self.path)
        if key == "slug":
            return _slug(fields, self.path, settings)
        if key == "lang":
            return language(fields, settings)
        if key in ("date", "modified") and (key == "date" or fields.get(key)):
            # Missing or unreadable, the fields' check tells the Date; an unreadable
            # Modified too. A Modified that is not there is a missing field.
            if moment := date(fields.get(key, ""), settings, fields.get("timezone")):
                return moment
            raise _Unreadable(key)
        if key == "author":
            authors = readers.ensure_metadata_list(fields.get("authors", ""))
            name = (fields.get("author") or "").strip() or (authors[0] if authors else "")
            name = name or settings.get("AUTHOR") or ""
            return wrapper_slug("author", name, settings) if name else ""
        if key == "category":
            name = (fields.get("category") or "").strip()
            return wrapper_slug("category", name, settings) if name else ""
        return fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter({*self.fields, "path", "slug", "lang", "date", "author", "category"})

    def __len__(self) -> int:
        return len(set(self))


def language(fields: Mapping[str, str], settings: Mapping[str, Any]) -> str:
    """The source's language: its Lang field as written, or DEFAULT_LANG."""
    return fields.get("lang") or str(settings.get("DEFAULT_LANG", "en")).lower()


def is_draft(fields: Mapping[str, str], settings: Mapping[str, Any], kind: str) -> bool:
    """A draft by its Status, or (an article) by a date still to come, as Pelican decides."""
    if (fields.get("status") or "").strip().lower() == "draft":
        return True
    if kind != "article" or settings.get("WITH_FUTURE_DATES", True):
        return False
    moment = date(fields["date"], settings, fields.get("timezone")) if fields.get("date") else None
    return moment is not None and moment > datetime.datetime.now(datetime.UTC)


def setting_name(
    fields: Mapping[str, str], settings: Mapping[str, Any], kind: str, key: str
) -> str:
    """The URL setting Pelican formats for this source: ARTICLE_SAVE_AS, DRAFT_LANG_URL..."""
    draft = is_draft(fields, settings, kind)
    klass = {"article": "DRAFT" if draft else "ARTICLE", "page": "DRAFT_PAGE" if draft else "PAGE"}
    in_default_lang = language(fields, settings) == str(settings.get("DEFAULT_LANG", "en")).lower()
    return f"{klass[kind]}_{'' if in_default_lang else 'LANG_'}{key.upper()}"


def address(
    fields: Mapping[str, str],
    path: str,
    settings: Mapping[str, Any],
    kind: str = "article",
    key: str = "save_as",
) -> str | None:
    """Where Pelican writes (`key` "save_as") or links (`key` "url") the source whose fields
    are `fields` (lowercased names -> values as written) and whose path below PATH is
    `path`. None when the pattern needs a value the source does not give (a Date that
    cannot be read: the fields' check reports that); MissingField when it names a field the
    source does not have, BadPattern when Python cannot format it."""
    fields = with_path_fields(fields, path, settings)
    if override := fields.get(key):
        return override
    pattern = str(settings[setting_name(fields, settings, kind, key)])
    try:
        return string.Formatter().vformat(pattern, (), _Fields(fields, path, settings))
    except _Unreadable:
        return None
    except KeyError as error:
        raise MissingField(setting_name(fields, settings, kind, key), error.args[0]) from None
    except (ValueError, IndexError, AttributeError, TypeError) as error:
        raise BadPattern(setting_name(fields, settings, kind, key), str(error)) from None


class _Unreadable(Exception):
    """A date the pattern needs is missing or cannot be read: the fields' check tells it."""


class MissingField(Exception):
    """An address pattern names a field the source does not have."""

    def __init__(self, setting: str, field: str) -> None:
        super().__init__(setting, field)
        self.setting, self.field = setting, field


class BadPattern(Exception):
    """An address pattern Python cannot format: `{slug:%Y}`, `{0}`, `{date.x}`..."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(setting, reason)
        self.setting, self.reason = setting, reason
