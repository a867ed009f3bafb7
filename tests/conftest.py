"""Shared fixtures: one build of each kind per test session, one browser, the settings.

Plain helpers live in tests/support/.
"""

import shutil

import pytest

from sitekit import runner as site_build
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


# The one article of good_site.
GOOD_ARTICLE = (
    "Title: Good\nDate: 2026-11-20\nCategory: Care\nSummary: A good article.\n\nSome text.\n"
)


@pytest.fixture
def good_site(tmp_path):
    """A small site with one good article, already built once."""
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "good.md").write_text(GOOD_ARTICLE, "utf-8")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    return tmp_path


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
    """The local settings, as sitekit.runner reads them."""
    return site_build.load_settings(site_build.LOCAL_SETTINGS)[0]


@pytest.fixture(scope="session")
def stylesheet(settings):
    from sitekit.core.state import Options
    from sitekit.templating.inline_css import read_stylesheet

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


RICH_ARTICLE = """Title: Hands, Tables and Code, With A Title Long Enough To Test Wrapping: Supercalifragilisticexpialidociousmassagetechniques
Date: 2026-11-21
Category: Back Massage
Tags: technique
Slug: rich
Summary: An article with photos, a diagram, a wide table, a long code line, a quotation and a note.

![A therapist's hands on a back]({static}/images/photo.jpg)

A long address: https://example.org/a/very/long/path/that/goes/on/and/on/without/any/break/index.html.

![A client lying face down]({static}/images/portrait.jpg "Portrait")

| Muscle | Region | Stroke | Pressure | Minutes | Oil | Notes |
| --- | --- | --- | --- | --- | --- | --- |
| Trapezius | Upper back | Effleurage | Light | 5 | Almond | Warm up first |

    massage --region=upper-back --stroke=effleurage --pressure=light --minutes=5 --oil=almond --notes="warm up the trapezius first, then the rhomboids"

> A quotation, set apart from the text.

A claim that needs a source.[^1]

![]({static}/images/diagram.png){: alt=""}

[^1]: The source of the claim.
"""

# People described for the tests only: the site itself names no one.
AUTHORS = """\
[[people]]
name = "Author One"
bio = "A person described for the tests only."
credentials = "Test credential"
url = "https://author-one.example/"

[[people]]
name = "Reviewer Two"
bio = "Another person described for the tests only."
"""

REVIEWED = """Title: A Reviewed Article
Date: 2026-11-18
Category: Back Massage
Tags: technique
Slug: reviewed
Summary: An article with an author, a reviewer and its sources.
Author: Author One
Reviewed-By: Reviewer Two
Last-Reviewed: 2026-11-22

Massage is said to ease tension.[^1] Some sources disagree.[^other]

[^1]: A first source, *A Book*, 2001.
[^other]: A second source.
"""

CHOSEN = """Title: A Chosen Picture
Date: 2026-11-19
Category: Back Massage
Tags: technique
Slug: chosen
Summary: An article whose social image is chosen with the Image field.
Image: images/portrait.jpg

Text without a picture in it.
"""


@pytest.fixture(scope="session")
def rich_site(tmp_path_factory):
    """The seed articles plus one with images and rich content, built locally and for production."""
    from tests.support.build import write_images
    from tests.support.pages import ARTICLES

    root = tmp_path_factory.mktemp("rich")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    for source in ARTICLES:
        (articles / source.name).write_bytes(source.read_bytes())
    (articles / "rich.md").write_text(RICH_ARTICLE, "utf-8")
    (articles / "chosen.md").write_text(CHOSEN, "utf-8")
    (articles / "reviewed.md").write_text(REVIEWED, "utf-8")
    (root / "content" / "authors.toml").write_text(AUTHORS, "utf-8")
    write_images(root / "content" / "images")
    local = run_build("--content", root / "content", output=root / "local" / "output")
    assert local.code == 0, local.stderr
    # The production build starts from the local build's image cache, as it would in output/.
    shutil.copytree(root / "local" / ".output.images", root / "production" / ".output.images")
    production = run_build(
        "--content", root / "content", output=root / "production" / "output", production=True
    )
    assert production.code == 0, production.stderr
    return local, production
