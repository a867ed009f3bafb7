"""/.well-known/security.txt (RFC 9116): whom to tell about a security problem, and until when.

Written on every build from two settings, ``SECURITY_CONTACT`` (a ``mailto:``,
``https://`` or ``tel:`` address, or a list of them) and ``SECURITY_EXPIRES`` (a
date and time with its zone, ``2027-11-30T00:00:00Z``). The file names no date
of the build, so two builds of the same input are the same bytes; the sources
check (hosting.check) refuses an ``Expires`` that has passed or is less than 30
days away, so a site never publishes a stale file (readers must ignore one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PATH = ".well-known/security.txt"
MIN_DAYS_LEFT = 30
SCHEMES = ("mailto:", "https://", "tel:")


def contacts(settings: dict[str, Any]) -> list[Any]:
    contact = settings.get("SECURITY_CONTACT") or []
    return list(contact) if isinstance(contact, list | tuple) else [contact]


def expires_at(settings: dict[str, Any]) -> datetime | None:
    """The date, or None if it is not a date and time with its zone."""
    try:
        expires = datetime.fromisoformat(str(settings.get("SECURITY_EXPIRES", "")))
    except ValueError:
        return None
    return expires if expires.tzinfo is not None else None


def security_txt(settings: dict[str, Any]) -> str:
    lines = ["# Whom to tell about a security problem on this site (RFC 9116)."]
    lines += [f"Contact: {contact}" for contact in contacts(settings)]
    if expires := expires_at(settings):  # the sources check refuses a build without
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
