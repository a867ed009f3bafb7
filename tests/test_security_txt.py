"""/.well-known/security.txt (RFC 9116), from SECURITY_CONTACT and SECURITY_EXPIRES."""

from datetime import UTC, datetime, timedelta

import pytest

from sitekit.hosting import security_txt
from sitekit.hosting.check import security_txt_problems
from tests.support.build import ROOT, run_build, snapshot
from tests.support.pages import PRODUCTION_URL

SETTINGS = {"SECURITY_CONTACT": "mailto:security@example.org", "SECURITY_EXPIRES": ""}
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_production_publishes_contact_expiry_language_and_its_own_address(production):
    text = (production.output / ".well-known" / "security.txt").read_text("utf-8")
    assert text == (
        "# Whom to tell about a security problem on this site (RFC 9116).\n"
        "Contact: mailto:security@example.org\n"
        "Expires: 2027-11-30T00:00:00Z\n"
        "Preferred-Languages: en\n"
        f"Canonical: {PRODUCTION_URL}/.well-known/security.txt\n"
    )


def test_a_local_build_has_no_canonical_address(site):
    text = (site.output / ".well-known" / "security.txt").read_text("utf-8")
    assert "Expires: 2027-11-30T00:00:00Z\n" in text and "Canonical" not in text


@pytest.mark.parametrize(
    "expires, wanted",
    [
        ("2027-06-01T00:00:00Z", []),
        ("2027-01-02T12:00:00+00:00", []),  # 30 days ahead, to the second
        ("2027-01-02T11:59:59Z", ["SECURITY_EXPIRES"]),
        ("2026-12-02T00:00:00Z", ["SECURITY_EXPIRES"]),
        ("2027-06-01", ["SECURITY_EXPIRES"]),  # no time zone: which midnight?
        ("next year", ["SECURITY_EXPIRES"]),
    ],
)
def test_an_expiry_that_is_near_past_or_unreadable_is_refused(expires, wanted):
    found = security_txt_problems({**SETTINGS, "SECURITY_EXPIRES": expires}, NOW)
    assert [p.path.split()[0] for p in found] == wanted


@pytest.mark.parametrize("contact", ["security@example.org", "http://example.org/x", [], [1], 5])
def test_a_contact_that_is_no_address_is_refused(contact):
    settings = {"SECURITY_CONTACT": contact, "SECURITY_EXPIRES": "2027-06-01T00:00:00Z"}
    assert [p.path for p in security_txt_problems(settings, NOW)] == [
        "SECURITY_CONTACT in the settings"
    ]


def test_neither_setting_writes_no_file_and_asks_nothing(tmp_path):
    assert security_txt_problems({}, NOW) == []
    security_txt.write_security_txt(tmp_path, {})
    assert list(tmp_path.iterdir()) == []


def settings_with(tmp_path, expires):
    path = tmp_path / "expiring.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"SECURITY_EXPIRES = {expires!r}\n",
        "utf-8",
    )
    return path


@pytest.mark.parametrize("days", [10, -1])
def test_a_build_whose_security_txt_expires_within_30_days_fails_in_one_line(tmp_path, days):
    output = tmp_path / "output"
    assert run_build(output=output).code == 0
    before = snapshot(output)
    expires = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    settings = settings_with(tmp_path, expires)
    run = run_build("--settings", settings, "--content", ROOT / "content", output=output)
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith("error: SECURITY_EXPIRES in the settings: security.txt expires on")
    assert "Traceback" not in run.stderr
    assert snapshot(output) == before
