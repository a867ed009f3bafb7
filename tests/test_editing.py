"""Editing safely: atomic and reproducible builds, drafts, escaped metadata, `invoke new`."""

import gzip
import json
import os
import re
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import feedparser
import pytest

from sitekit import runner as site_build
from sitekit.devtools import scaffold
from sitekit.devtools.bench import generate_site
from tests.support.build import (
    differences,
    leftovers,
    run_build,
    run_build_process,
    run_invoke,
    snapshot,
)
from tests.support.pages import PRODUCTION_URL, ROOT, parse_html, running_scripts, scripts_allowed

# Fails the build once pages.render has written every page into the staging folder, and
# says how many: the failure comes after the output was half made. Blinker calls a
# signal's receivers in no set order, so this takes the place of pages.render's receiver
# on `finalized` and calls it first (as HOLDING_PLUGIN does).
EXPLODING_PLUGIN = """
from pathlib import Path

from pelican import signals

from sitekit.pages import render

def flush_then_explode(pelican):
    render.flush(pelican)
    written = sum(1 for _ in Path(pelican.output_path).rglob("*.html"))
    raise RuntimeError(f"a plugin failed after {written} pages were written")

def register():
    signals.finalized.disconnect(render.flush)
    signals.finalized.connect(flush_then_explode)
"""

# Holds the build once pages.render has written every page into the staging folder,
# and says so by writing `ready`: the pages there, as JSON. Blinker calls a signal's
# receivers in no set order, so this takes the place of pages.render's receiver on
# `finalized` and calls it first. The sleep is where the interrupt lands.
HOLDING_PLUGIN = """
import json
import os
import time
from pathlib import Path

from pelican import signals

from sitekit.pages import render

def flush_then_hold(pelican):
    render.flush(pelican)
    staging = Path(pelican.output_path)
    pages = sorted(str(p.relative_to(staging)) for p in staging.rglob("*.html"))
    ready = Path({ready!r})
    partial = ready.with_name(ready.name + ".partial")
    partial.write_text(json.dumps({{"staging": str(staging), "pages": pages}}))
    os.replace(partial, ready)
    time.sleep(60)

def register():
    signals.finalized.disconnect(render.flush)
    signals.finalized.connect(flush_then_hold)
"""

SETTINGS = """
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *
PATH = {content!r}
THEME = {theme!r}
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = [*PLUGINS, {plugin!r}]
"""


def settings_with_plugin(tmp_path, name, code):
    """Settings for the site's content with one more plugin, `name`, whose source is `code`."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / f"{name}.py").write_text(code)
    settings = tmp_path / "settings.py"
    settings.write_text(
        SETTINGS.format(
            root=str(ROOT),
            content=str(ROOT / "content"),
            theme=str(ROOT / "theme"),
            plugins=str(tmp_path / "plugins"),
            plugin=name,
        )
    )
    return settings


@pytest.fixture
def built(tmp_path):
    output = tmp_path / "output"
    assert run_build(output=output).code == 0
    return output, snapshot(output)


def test_a_build_that_fails_halfway_leaves_the_output_byte_for_byte(tmp_path, built):
    output, before = built
    settings = settings_with_plugin(tmp_path, "explode", EXPLODING_PLUGIN)
    run = run_build("--settings", settings, output=output)
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, run.stderr
    written = re.search(r"a plugin failed after (\d+) pages were written", errors[0])
    assert written, run.stderr
    # The staging folder held pages when the build failed: it failed halfway, not before.
    assert int(written[1]) > 0, run.stderr
    assert "Traceback" not in run.stderr
    assert differences(before, snapshot(output)) == []
    assert snapshot(output) == before
    assert leftovers(tmp_path) == []


def test_an_interrupted_build_leaves_the_output_byte_for_byte(tmp_path, built):
    output, before = built
    ready = tmp_path / "pages-written.json"
    settings = settings_with_plugin(tmp_path, "hold", HOLDING_PLUGIN.format(ready=str(ready)))
    process = subprocess.Popen(
        site_build.command_line("--settings", settings, "--output", output),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A process group of its own, which the interrupt reaches as a whole, as Ctrl-C does.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            if process.poll() is not None:
                pytest.fail(f"the build ended before it held: {process.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("the build wrote no pages within 60 s")
            time.sleep(0.02)
        held = json.loads(ready.read_text())
        staging = Path(held["staging"])
        # The build is held: these pages are in the staging folder as the interrupt lands.
        assert staging.parent == tmp_path and staging.name.startswith(".output.staging-")
        assert held["pages"], "no page was written into the staging folder"
        assert sorted(str(p.relative_to(staging)) for p in staging.rglob("*.html")) == held["pages"]
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 130, stderr
    assert stderr == "Build interrupted; the output folder was left as it was.\n"
    assert "Built" not in stdout
    assert differences(before, snapshot(output)) == []
    assert snapshot(output) == before
    assert not staging.exists()
    assert sorted(p.name for p in tmp_path.glob(".output.*-*")) == []


@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
def test_two_builds_of_the_same_input_are_byte_identical(tmp_path, production):
    args = ["--production"] if production else []
    env = {"SITEURL": PRODUCTION_URL}
    # Different hash seeds: set and dict order must not leak into the output.
    first = run_build_process(*args, output=tmp_path / "one", env={**env, "PYTHONHASHSEED": "1"})
    second = run_build_process(*args, output=tmp_path / "two", env={**env, "PYTHONHASHSEED": "2"})
    assert first.code == second.code == 0
    one, two = snapshot(first.output), snapshot(second.output)
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


HOSTILE_TITLE = 'Oils & <b>balms</b> "compared" </script><script>alert(1)</script>'
HOSTILE_TAG = '<tag> & "more"'
HOSTILE_CATEGORY = 'Care & <i>comfort</i> "q"'
# The Summary is Markdown, where <tags> are markup; these characters stay text.
HOSTILE_SUMMARY = 'Both & neither "really": is 1 < 2 > 0?'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "hostile.md").write_text(
        f"Title: {HOSTILE_TITLE}\nDate: 2026-11-20\nCategory: {HOSTILE_CATEGORY}\n"
        f"Tags: {HOSTILE_TAG}, plain\nSlug: hostile\nSummary: {HOSTILE_SUMMARY}\n\nBody text.\n",
        "utf-8",
    )
    run = run_build("--content", root / "content", output=root / "output", production=True)
    assert run.code == 0, run.stderr
    return run.output


def test_hostile_metadata_is_escaped_in_html(hostile):
    for path in sorted(hostile.rglob("*.html")):
        page = parse_html(path)
        assert page.find("b") is None and page.find("i") is None, path
        assert len(running_scripts(page)) == scripts_allowed(hostile, path), path
    page = parse_html(hostile / "hostile" / "index.html")
    assert page.h1.get_text() == HOSTILE_TITLE
    assert page.title.get_text().startswith(HOSTILE_TITLE)
    assert page.find("meta", property="og:title")["content"] == HOSTILE_TITLE
    assert page.find("meta", attrs={"name": "description"})["content"] == HOSTILE_SUMMARY
    assert HOSTILE_TAG in [a.get_text() for a in page.find_all("a")]
    assert HOSTILE_CATEGORY in [a.get_text() for a in page.find_all("a")]


def test_hostile_metadata_cannot_break_out_of_json_ld(hostile):
    page = parse_html(hostile / "hostile" / "index.html")
    blocks = page.find_all("script", type="application/ld+json")
    assert len(blocks) == 2
    article = json.loads(blocks[0].string)
    assert article["headline"] == HOSTILE_TITLE
    assert article["description"] == HOSTILE_SUMMARY
    assert article["articleSection"] == HOSTILE_CATEGORY
    assert HOSTILE_TAG in article["keywords"]
    raw = (hostile / "hostile" / "index.html").read_text()
    json_ld_text = "".join(raw.split('<script type="application/ld+json">')[1:])
    assert "</script><script>" not in raw
    assert "<" not in "".join(
        part.split("</script>")[0] for part in json_ld_text.split("<script") if part
    )


def test_hostile_metadata_is_escaped_in_feeds_and_sitemap(hostile):
    for feed in ("all.atom.xml", "all.rss.xml"):
        ET.parse(hostile / "feeds" / feed)
        parsed = feedparser.parse((hostile / "feeds" / feed).read_bytes())
        assert parsed.bozo == 0
        assert parsed.entries[0].title == HOSTILE_TITLE
        assert HOSTILE_TAG in [t.term for t in parsed.entries[0].tags]
    locs = [e.text for e in ET.parse(hostile / "sitemap.xml").iter() if e.tag.endswith("loc")]
    assert f"{PRODUCTION_URL}/hostile/" in locs
    assert all("<" not in loc and '"' not in loc for loc in locs)


def write_articles(content, fields_by_slug):
    """Small articles, each with a tag of its own and any extra field lines."""
    (content / "articles").mkdir(parents=True)
    for slug, fields in fields_by_slug.items():
        fields = {"Date": "2026-11-20", **fields}
        extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
        (content / "articles" / f"{slug}.md").write_text(
            f"Title: Title of {slug}\nSlug: {slug}\nCategory: Care\nTags: shared, only-{slug}\n"
            f"Summary: About {slug}.\n{extra}\nBody of {slug}.\n",
            "utf-8",
        )


def readable(path):
    """The bytes of a built file, as text where it is text: Pagefind's index files
    (pagefind/**/*.pf_fragment, .pf_index, .pf_meta) are gzip data under names of their own."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix.startswith(".pf_") else data


def traces(output, *needles):
    """Files of a build (twins aside) that mention any of the needles, the search index's
    compressed files included."""
    return [
        p.relative_to(output).as_posix()
        for p in output.rglob("*")
        if p.is_file()
        and p.suffix not in (".gz", ".br")
        and any(needle in readable(p) for needle in needles)
    ]


def test_drafts_are_previewed_locally_and_absent_from_production(tmp_path):
    content = tmp_path / "content"
    write_articles(content, {"published": {}, "secret-draft": {"Status": "draft"}})
    local = run_build("--content", content, output=tmp_path / "local")
    assert local.code == 0, local.stderr
    preview = parse_html(local.output / "drafts" / "secret-draft" / "index.html")
    assert preview.h1.get_text() == "Title of secret-draft"
    assert preview.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "secret-draft" not in (local.output / "index.html").read_text()

    production = run_build("--content", content, output=tmp_path / "prod", production=True)
    assert production.code == 0, production.stderr
    assert traces(production.output, b"secret-draft", b"only-secret") == []
    assert not (production.output / "drafts").exists()
    assert not (production.output / "tag" / "only-secret-draft").exists()
    assert (production.output / "tag" / "only-published" / "index.html").exists()


def test_a_scheduled_article_is_previewed_locally_and_published_only_on_its_date(tmp_path):
    content = tmp_path / "content"
    write_articles(content, {"now": {}, "later": {"Date": "2099-01-01 09:00"}})
    line = "Scheduled, published once their date has come: {}/articles/later.md on 2099-01-01."

    local = run_build("--content", content, output=tmp_path / "local")
    assert local.code == 0, local.stderr
    assert line.format(content) in local.stdout.splitlines()
    preview = parse_html(local.output / "drafts" / "later" / "index.html")
    notice = " ".join(preview.find(role="note").get_text().split())
    assert (
        notice
        == "Scheduled: this article will be published on 1 January 2099. Until then only local builds show it."
    )
    assert preview.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "later" not in (local.output / "index.html").read_text()

    production = run_build("--content", content, output=tmp_path / "prod", production=True)
    assert production.code == 0, production.stderr
    assert line.format(content) in production.stdout.splitlines()
    assert traces(production.output, b"later") == []
    assert (production.output / "now" / "index.html").is_file()


def test_new_article_is_a_complete_draft_and_is_never_overwritten(tmp_path):
    (tmp_path / "content").mkdir()
    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS, content=tmp_path / "content")
    path = scaffold.new_article("Stretches  for the Upper Back", settings, today=date(2026, 11, 21))
    assert path == tmp_path / "content" / "articles" / "stretches-for-the-upper-back.md"
    text = path.read_text()
    for line in (
        "Title: Stretches for the Upper Back",
        "Date: 2026-11-21",
        "Slug: stretches-for-the-upper-back",
        "Status: draft",
    ):
        assert line in text.splitlines()
    for field in ("Category:", "Tags:", "Summary:"):
        assert any(line.startswith(field) for line in text.splitlines()), field

    with pytest.raises(FileExistsError, match="already exists"):
        scaffold.new_article("Stretches for the upper back", settings)
    assert path.read_text() == text

    # As a draft it builds; published with its placeholders, the build says what is left to do.
    assert run_build("--content", tmp_path / "content", output=tmp_path / "out").code == 0
    path.write_text(text.replace("Status: draft\n", ""))
    run = run_build("--content", tmp_path / "content", output=tmp_path / "out")
    assert run.code == 1
    assert "'Summary:' still holds the TODO placeholder" in run.stderr


def test_invoke_new_prints_the_path_and_refuses_to_overwrite():
    existing = min((ROOT / "content" / "articles").glob("*.md"))
    title = existing.read_text().splitlines()[0].removeprefix("Title: ")
    before = existing.read_bytes()
    run = run_invoke("new", title)
    assert run.returncode == 1
    assert "already exists" in run.stderr and existing.name in run.stderr
    assert existing.read_bytes() == before


def test_new_page_is_a_draft_page_that_builds_and_then_asks_for_its_summary(tmp_path):
    (tmp_path / "content").mkdir()
    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS, content=tmp_path / "content")
    generate_site(tmp_path / "content", 2)
    path = scaffold.new_page("Editorial  policy", settings)
    assert path == tmp_path / "content" / "pages" / "editorial-policy.md"
    text = path.read_text()
    assert {"Title: Editorial policy", "Slug: editorial-policy", "Status: draft"} <= set(
        text.splitlines()
    )
    with pytest.raises(FileExistsError, match="already exists"):
        scaffold.new_page("Editorial policy", settings)

    local = run_build("--content", tmp_path / "content", output=tmp_path / "out")
    assert local.code == 0, local.stderr
    draft = parse_html(tmp_path / "out" / "drafts" / "pages" / "editorial-policy" / "index.html")
    assert draft.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    path.write_text(text.replace("Status: draft\n", ""))
    run = run_build("--content", tmp_path / "content", output=tmp_path / "out")
    assert run.code == 1
    assert (
        "content/pages/editorial-policy.md:3: 'Summary:' still holds the TODO placeholder"
        in run.stderr
    )
