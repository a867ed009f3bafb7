"""Shared fixtures: one build of each kind per test session, one browser, the settings.

Plain helpers live in tests/support/.
"""

import pytest

from sitekit import build as site_build
from sitekit.devtools import browser
from tests.support.build import run_build
from tests.support.pages import PREFIXED_URL
from tests.support.tools import require_tool


def build_once(tmp_path_factory, name, **kwargs):
    output = tmp_path_factory.mktemp(name) / "output"
    run = run_build(output=output, **kwargs)
    assert run.code == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real site, built once with the local settings. Read it; never change it."""
    return build_once(tmp_path_factory, "site")


@pytest.fixture(scope="session")
def production(tmp_path_factory):
    """The site built with publishconf.py, published at the root of a host."""
    return build_once(tmp_path_factory, "production", production=True)


@pytest.fixture(scope="session")
def prefixed(tmp_path_factory):
    """The site built with publishconf.py, published below a path."""
    return build_once(tmp_path_factory, "prefixed", production=True, env={"SITEURL": PREFIXED_URL})


@pytest.fixture(scope="session")
def html_pages(site):
    return sorted(site.output.rglob("*.html"))


@pytest.fixture(scope="session")
def settings():
    """The local settings, as sitekit.build reads them."""
    return site_build.load_settings(site_build.LOCAL_SETTINGS)[0]


@pytest.fixture(scope="session")
def stylesheet(settings):
    from sitekit.plugins.inline_css import read_stylesheet
    from sitekit.state import Options

    return read_stylesheet(settings, Options.from_settings(settings))


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium through Playwright, one for the whole session."""
    require_tool(browser.chromium_path(), "Debian's Chromium (/usr/bin/chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served(site):
    """The local build, served over HTTP on loopback."""
    with browser.serving(site.output) as url:
        yield url
