"""The current Nu Html Checker (npm vnu-jar, on Java) finds no error and no warning.

The checker starts a JVM, so it runs once per session over every page of both
builds, the stylesheet and a deliberately broken page; the tests read its report.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.pages import ROOT
from tests.support.tools import require_tool

pytestmark = pytest.mark.validator

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BROKEN = "<!doctype html><html lang=en><title>x</title><p><div></p>"


@pytest.fixture(scope="session")
def report(site, production, rich_site, tmp_path_factory):
    """Each checked file -> the errors and warnings the checker reported for it."""
    require_tool(shutil.which("java"), "Java is not installed (the Nu Html Checker runs on it)")
    require_tool(VNU_JAR.is_file(), "the Nu Html Checker is not installed: run `npm ci`")
    broken = tmp_path_factory.mktemp("vnu") / "broken.html"
    broken.write_text(BROKEN, "utf-8")
    files = {
        "site": sorted(site.output.rglob("*.html")),
        "production": sorted(production.output.rglob("*.html")),
        "images and rich content": [
            r.output / page
            for r in rich_site
            for page in (
                "rich/index.html",
                "chosen/index.html",
                "reviewed/index.html",
                "author/author-one/index.html",
            )
        ],
        "stylesheet": [ROOT / "theme" / "css" / "site.css"],
        "broken": [broken],
    }
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--verbose", "--also-check-css"]
        + [str(path) for paths in files.values() for path in paths],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(completed.stderr or '{"messages": []}')["messages"]
    found = {path.resolve(): [] for paths in files.values() for path in paths}
    for m in messages:
        if (
            m["type"] == "error"
            or m.get("subType") == "warning"
            or m["type"] == "non-document-error"
        ):
            line = f"{m.get('lastLine')}: {m['type']}/{m.get('subType', '')}: {m['message']}"
            checked = Path(unquote(urlsplit(m.get("url", "")).path)).resolve()
            found.setdefault(checked, []).append(line)
    return {group: {p: found[p.resolve()] for p in paths} for group, paths in files.items()}, found


@pytest.mark.parametrize("group", ["site", "production", "images and rich content"])
def test_every_html_page_is_valid(report, group):
    by_file, _ = report
    assert len(by_file[group]) >= 4
    assert {p.name: m for p, m in by_file[group].items() if m} == {}


def test_the_stylesheet_is_valid(report):
    by_file, _ = report
    assert {p.name: m for p, m in by_file["stylesheet"].items() if m} == {}


def test_the_checker_does_report_errors(report):
    by_file, everything = report
    (messages,) = by_file["broken"].values()
    assert messages != []
    # Every message belongs to a file we asked about: none was lost or misfiled.
    assert set(everything) == {p.resolve() for paths in by_file.values() for p in paths}
