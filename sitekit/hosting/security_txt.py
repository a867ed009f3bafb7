"""/.well-known/security.txt (RFC 9116): whom to tell about a security problem, and until when.

Written on every build from two settings, ``SECURITY_CONTACT`` (a ``mailto:``,
``https://`` or ``tel:`` address, or a list of them) and ``SECURITY_EXPIRES`` (a
date and time with its zone, ``2027-11-30T00:00:00Z``). The file names no date
of the build, so two builds of the same input are the same bytes; the sources
check refuses an ``Expires`` that has passed or is less than 30 days away, so
a site never publishes a stale file (readers must then ignore it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sitekit.core.problems import Problem

PATH = ".well-known/security.txt"
MIN_DAYS_LEFT = 30
SCHEMES = ("mailto:", "https://", "tel:")


def _contacts(settings: dict[str, Any]) -> list[str]:
    contact = settings.get("SECURITY_CONTACT") or []
    return [contact] if isinstance(contact, str) else list(contact)


def _expires(settings: dict[str, Any]) -> datetime | None:
    """The date, or None if it is not a date and time with its zone."""
    try:
        expires = datetime.fromisoformat(str(settings.get("SECURITY_EXPIRES", "")))
    except ValueError:
        return None
    return expires if expires.tzinfo is not None else None


def problems(settings: dict[str, Any], now: datetime) -> list[Problem]:
    """What is wrong with the two settings, one line each (none when neither is set)."""
    if not settings.get("SECURITY_CONTACT") and not settings.get("SECURITY_EXPIRES"):
        return []
    found = []
    contacts = _contacts(settings)
    if not contacts or not all(isinstance(c, str) and c.startswith(SCHEMES) for c in contacts):
        found.append(
            Problem(
                "SECURITY_CONTACT in the settings",
                None,
                f"is {settings.get('SECURITY_CONTACT')!r}: security.txt needs an address "
                "written 'mailto:security@example.org' or 'https://example.org/security'.",
            )
        )
    expires = _expires(settings)
    suggestion = (now + timedelta(days=365)).strftime("%Y-%m-%dT00:00:00Z")
    if expires is None:
        found.append(
            Problem(
                "SECURITY_EXPIRES in the settings",
                None,
                f"is {settings.get('SECURITY_EXPIRES')!r}: write the date security.txt stops "
                f"being valid with its time and zone, for example '{suggestion}'.",
            )
        )
    elif expires - now < timedelta(days=MIN_DAYS_LEFT):
        when = "has passed" if expires <= now else f"is {(expires - now).days} days away"
        found.append(
            Problem(
                "SECURITY_EXPIRES in the settings",
                None,
                f"security.txt expires on {expires:%Y-%m-%d}, which {when}: check that "
                f"SECURITY_CONTACT is still right, then set a date at least {MIN_DAYS_LEFT} "
                f"days and at most a year ahead, for example '{suggestion}'.",
            )
        )
    return found


def security_txt(settings: dict[str, Any]) -> str:
    lines = ["# Whom to tell about a security problem on this site (RFC 9116)."]
    lines += [f"Contact: {contact}" for contact in _contacts(settings)]
    if expires := _expires(settings):  # the sources check refuses a build without
        lines.append(f"Expires: {expires.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")
    lines.append(f"Preferred-Languages: {settings.get('DEFAULT_LANG') or 'en'}")
    if settings.get("SITEURL"):
        lines.append(f"Canonical: {settings['SITEURL']}/{PATH}")
    return "\n".join(lines) + "\n"


def write_security_txt(output: Path, settings: dict[str, Any]) -> None:
    """Write the file if the settings name a contact."""
    if not settings.get("SECURITY_CONTACT"):
        return
    path = output / PATH
    path.parent.mkdir(exist_ok=True)
    path.write_text(security_txt(settings), "utf-8")
