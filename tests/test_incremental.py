"""Incremental rebuilds reuse what did not change (the differential tests check every edit
against a cold build: tests/test_differential_*.py)."""

import shutil
import subprocess
import sys

from sitekit.devtools.bench import generate_site
from sitekit.runner import build
from tests.support.build import differences, run_build, snapshot
from tests.support.differential import set_field
from tests.support.pages import ROOT

ARTICLES = 24


def edit_body(article):
    article.write_text(article.read_text() + "\nA new closing sentence.\n")


def edit_summary(article):
    set_field(article, "Summary", "A different summary.")


def test_unchanged_pages_are_reused_and_one_edit_renders_few(tmp_path):
    content = tmp_path / "content"
    articles = generate_site(content, ARTICLES)
    output = tmp_path / "output"
    first = run_build("--content", content, output=output)
    assert "unchanged files reused" not in first.stdout
    pages = int(first.stdout.split()[1])

    home, article = output / "index.html", output / "article-00003" / "index.html"
    before = {page: page.stat().st_ino for page in (home, article)}
    again = run_build("--content", content, output=output)
    assert f"({pages} unchanged files reused)" in again.stdout
    # Carried over as the same file (a hard link), not written again.
    assert {page: page.stat().st_ino for page in (home, article)} == before

    edit_body(articles[11])
    edited = run_build("--content", content, output=output)
    reused = int(edited.stdout.split("(")[1].split()[0])
    assert reused == pages - 1  # only the edited article's own page is rendered again


def test_a_page_changed_by_hand_in_the_output_is_rendered_again(tmp_path):
    content = tmp_path / "content"
    generate_site(content, 4)
    output = tmp_path / "output"
    assert run_build("--content", content, output=output).code == 0
    home = output / "index.html"
    original = home.read_bytes()
    home.write_bytes(original.replace(b"</main>", b"<p>edited by hand</p></main>"))
    assert run_build("--content", content, output=output).code == 0
    assert home.read_bytes() == original


def test_a_theme_change_rerenders_every_page(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "theme", root / "theme")
    content = tmp_path / "content"
    generate_site(content, 12)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        f"from pelicanconf import *\nTHEME = {str(root / 'theme')!r}\n"
    )
    output = tmp_path / "output"
    assert run_build("--settings", settings, "--content", content, output=output).code == 0
    footer = root / "theme" / "templates" / "partials" / "footer.html"
    footer.write_text(
        footer.read_text().replace("not medical advice.", "not medical advice. Changed.")
    )
    assert run_build("--settings", settings, "--content", content, output=output).code == 0
    pages = list(output.rglob("*.html"))
    assert pages and all("Changed." in page.read_text() for page in pages)


def test_a_change_to_a_template_filter_shows_on_the_next_build(tmp_path):
    """Our own code shapes pages too: changing it must never leave stale pages behind."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "sitekit", project / "sitekit", ignore=shutil.ignore_patterns("__pycache__")
    )
    output = tmp_path / "output"

    def build():
        # A process of its own, which imports sitekit from the copy (the working folder comes first).
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "sitekit.runner",
                "--settings",
                ROOT / "pelicanconf.py",
                "--output",
                output,
            ],
            cwd=project,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        return (output / "back-massage-therapy" / "index.html").read_text()

    before = build()
    assert '"@type":"Article"' in before
    helpers = project / "sitekit" / "templating" / "helpers.py"
    helpers.write_text(
        helpers.read_text().replace('separators=(",", ":")', 'separators=(", ", ": ")')
    )
    after = build()
    assert '"@type": "Article"' in after


def test_a_summary_edit_renders_only_the_pages_that_show_the_summary(tmp_path):
    """A summary shows on the article and on listings; no other page is rendered again."""
    content = tmp_path / "content"
    articles = generate_site(content, ARTICLES)
    output = tmp_path / "output"
    assert build(output=output, content=content).ok
    edit_summary(articles[11])
    result = build(output=output, content=content)
    assert result.ok, result.problems
    showing = sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*.html")
        if "A different summary." in p.read_text()
    )
    # The article itself, and at least one listing (its category page, the home page...).
    assert f"{articles[11].stem}/index.html" in showing and len(showing) > 2
    assert result.rendered_pages == showing


def test_parallel_reading_and_rendering_write_the_same_bytes_as_one_process(tmp_path):
    content = tmp_path / "content"
    generate_site(content, 80)
    outputs = {}
    for workers in (1, 2):
        settings = tmp_path / f"workers{workers}.py"
        settings.write_text(
            f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
            f"from pelicanconf import *\nSITEKIT = {{'workers': {workers}}}\n"
        )
        result = build(settings, output=tmp_path / f"output{workers}", content=content)
        assert result.ok, result.problems
        # Both stages really ran in that many processes.
        assert result.processes.get("read", 1) == workers
        assert result.processes["render"] == workers
        outputs[workers] = snapshot(result.output)
    assert len(outputs[1]) > 100
    assert differences(outputs[1], outputs[2]) == []
