"""The current Nu Html Checker (npm vnu-jar, on Java) finds no error and no warning."""

import json
import shutil
import subprocess

import pytest
from conftest import ROOT, require_tool

pytestmark = pytest.mark.validator

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_vnu(*args):
    require_tool(shutil.which("java"), "Java is not installed (the Nu Html Checker runs on it)")
    require_tool(VNU_JAR.is_file(), "the Nu Html Checker is not installed: run `npm ci`")
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--verbose", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(completed.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').rsplit('/output/', 1)[-1]}:{m.get('lastLine')}: {m['type']}/{m.get('subType', '')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
        or m.get("subType") == "warning"
        or m["type"] == "non-document-error"
    ]


@pytest.mark.parametrize("build", ["site", "production"])
def test_every_html_page_is_valid(request, build):
    pages = sorted(request.getfixturevalue(build).output.rglob("*.html"))
    assert len(pages) > 5
    assert run_vnu(*pages) == []


def test_the_stylesheet_is_valid():
    assert run_vnu("--css", ROOT / "theme" / "css" / "site.css") == []


def test_the_checker_does_report_errors(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>", "utf-8")
    assert run_vnu(broken) != []
