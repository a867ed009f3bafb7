"""Incremental rebuilds (content cache and reused pages) give exactly the output of a cold build."""

import shutil

import pytest
from conftest import run_build, snapshot

from sitekit.bench import generate_site


def edit_body(article):
    article.write_text(article.read_text() + "\nA new closing sentence.\n")


def edit_title(article):
    article.write_text(article.read_text().replace("Title: ", "Title: Revised: ", 1))


def edit_tags(article):
    text = article.read_text()
    line = next(line for line in text.splitlines() if line.startswith("Tags: "))
    article.write_text(text.replace(line, "Tags: a brand new tag"))


def edit_summary(article):
    text = article.read_text()
    line = next(line for line in text.splitlines() if line.startswith("Summary: "))
    article.write_text(text.replace(line, "Summary: A different summary."))


def edit_date(article):
    text = article.read_text()
    line = next(line for line in text.splitlines() if line.startswith("Date: "))
    article.write_text(text.replace(line, "Date: 2030-01-01 12:00"))


def remove(article):
    article.unlink()


@pytest.mark.parametrize(
    "edit", [edit_body, edit_title, edit_tags, edit_summary, edit_date, remove]
)
@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
def test_rebuild_after_an_edit_equals_a_cold_build(tmp_path, edit, production):
    args = ["--production"] if production else []
    env = {"SITEURL": "https://example.org"}
    content = tmp_path / "content"
    articles = generate_site(content, 24)
    incremental = tmp_path / "incremental"
    assert run_build(*args, "--content", content, output=incremental, env=env).code == 0

    edit(articles[11])
    assert run_build(*args, "--content", content, output=incremental, env=env).code == 0
    cold = tmp_path / "cold"
    assert run_build(*args, "--content", content, output=cold, env=env).code == 0

    expected, actual = snapshot(cold), snapshot(incremental)
    assert expected.keys() == actual.keys()
    assert [path for path in expected if expected[path] != actual[path]] == []


def test_a_theme_change_rerenders_every_page(tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(run_build.__globals__["ROOT"] / "theme", root / "theme")
    content = tmp_path / "content"
    generate_site(content, 12)
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(run_build.__globals__['ROOT'])!r})\n"
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


def test_unchanged_pages_are_reused_and_one_edit_renders_few(tmp_path):
    content = tmp_path / "content"
    articles = generate_site(content, 24)
    output = tmp_path / "output"
    first = run_build("--content", content, output=output)
    assert "unchanged files reused" not in first.stdout
    pages = int(first.stdout.split()[1])

    again = run_build("--content", content, output=output)
    assert f"({pages} unchanged files reused)" in again.stdout

    edit_body(articles[11])
    edited = run_build("--content", content, output=output)
    reused = int(edited.stdout.split("(")[1].split()[0])
    assert reused == pages - 1  # only the edited article's own page is rendered again
