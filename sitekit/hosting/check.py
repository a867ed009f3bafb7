"""The hosting feature's check of the settings: security.txt's contact and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sitekit.core.problems import Problem
from sitekit.hosting.security_txt import MIN_DAYS_LEFT, SCHEMES, contacts, expires_at


def security_txt_problems(settings: dict[str, Any], now: datetime) -> list[Problem]:
    """What is wrong with the two settings, one line each (none when neither is set)."""
    if not settings.get("SECURITY_CONTACT") and not settings.get("SECURITY_EXPIRES"):
        return []
    found = []
    named = contacts(settings)
    if not named or not all(isinstance(c, str) and c.startswith(SCHEMES) for c in named):
        found.append(
            Problem(
                "SECURITY_CONTACT in the settings",
                None,
                f"is {settings.get('SECURITY_CONTACT')!r}: security.txt needs an address "
                "written 'mailto:security@example.org' or 'https://example.org/security'.",
            )
        )
    expires = expires_at(settings)
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
