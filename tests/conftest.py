"""Shared fixtures: one real build per test session, and helpers to build small sites."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitekit import browser
from sitekit.linkcheck import parse_html, url_path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))
IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    output: Path


def run_build(*args, output, cwd=ROOT, env=None):
    """Build exactly as `invoke build` does: through sitekit.build's command line."""
    completed = subprocess.run(
        [sys.executable, "-m", "sitekit.build", "--output", str(output), *map(str, args)],
        cwd=cwd,
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr, Path(output))


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site, built once with the local settings."""
    run = run_build(output=tmp_path_factory.mktemp("site") / "output")
    assert run.code == 0, run.stderr
    return run


PRODUCTION_URL = "https://example.org"
PREFIXED_URL = "https://example.org/blog"


def build_production(tmp_path_factory, site_url):
    output = tmp_path_factory.mktemp("production") / "output"
    run = run_build("--production", output=output, env={"SITEURL": site_url})
    assert run.code == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def production(tmp_path_factory):
    """The site built with publishconf.py, published at the root of a host."""
    return build_production(tmp_path_factory, PRODUCTION_URL)


@pytest.fixture(scope="session")
def prefixed(tmp_path_factory):
    """The site built with publishconf.py, published below a path."""
    return build_production(tmp_path_factory, PREFIXED_URL)


@pytest.fixture(scope="session")
def html_pages(site):
    return sorted(site.output.rglob("*.html"))


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright, one for the whole session."""
    require_tool(browser.chromium_path(), "Debian's Chromium (/usr/bin/chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        yield chromium
        chromium.close()


# axe's WCAG 2.0-2.2 A and AA rules, its best practices, and the 7:1 contrast rule.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"color-contrast-enhanced": {"enabled": True}},
    "resultTypes": ["violations"],
}

# The sum of layout-shift scores so far, as the browser reports them.
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


def load_and_watch(page, url, origin):
    """Load `url`; return what went wrong on the way (console errors, failed or foreign requests)."""
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "request", lambda r: r.url.startswith(origin) or problems.append(f"other origin: {r.url}")
    )
    response = page.goto(url, wait_until="load")
    if response.status != 200:
        problems.append(f"status {response.status}")
    return problems


def audit(context, url, origin):
    """Load one page in a fresh tab and return everything wrong with it."""
    from axe_playwright_python.sync_playwright import Axe

    page = context.new_page()
    problems = load_and_watch(page, url, origin)
    results = Axe().run(page, options=AXE_OPTIONS)
    problems += [
        f"axe {v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
    ]
    if page.evaluate("document.scrollingElement.scrollWidth > innerWidth"):
        problems.append("scrolls horizontally")
    if (cls := page.evaluate(CLS_SCRIPT)) != 0:
        problems.append(f"layout shift {cls}")
    page.close()
    return problems


def read_article_source(path):
    """The metadata and the body paragraphs of a Markdown article."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    metadata = dict(line.split(": ", 1) for line in header.splitlines())
    paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    return metadata, paragraphs


def snapshot(folder):
    """Every file below `folder` and its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_paths(output):
    """The root-relative address of every HTML page in a built site."""
    return ["/" + url_path(output, p) for p in sorted(output.rglob("*.html"))]


@pytest.fixture(scope="session")
def settings():
    """The local settings, as sitekit.build reads them."""
    from sitekit import build as site_build

    return site_build.load_settings(site_build.LOCAL_SETTINGS, None, None)


def leftovers(folder):
    """Staging folders a build left behind (retired outputs are deleted in the background)."""
    return sorted(p.name for p in folder.iterdir() if re.match(r"\.output\.staging-", p.name))


def require_tool(available, why):
    """Skip when a tool is missing on a laptop; under CI=true that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI=true, so a missing tool fails the run)")
    pytest.skip(why)


__all__ = [
    "ARTICLES",
    "PREFIXED_URL",
    "PRODUCTION_URL",
    "ROOT",
    "audit",
    "leftovers",
    "parse_html",
    "read_article_source",
    "require_tool",
    "run_build",
]
