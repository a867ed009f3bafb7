"""`invoke publish`: it refuses bad arguments before it builds or sends anything, and what it
sends a web server can read."""

import os
import re
import shutil
import subprocess

import pytest
from invoke import Config, Context

import tasks
from sitekit import runner as site_build
from sitekit.devtools import scaffold
from tests.support.build import modes, run_invoke
from tests.support.pages import PRODUCTION_URL, ROOT
from tests.support.tools import require_tool


@pytest.mark.parametrize(
    "args, message",
    [
        (["--target", "ftp"], "unknown target 'ftp'; use rsync or github-pages"),
        (["--target", "rsync"], "rsync needs --destination"),
        ([], "say where to publish: --target rsync or --target github-pages"),
        (
            ["--target", "rsync", "--destination", "h:/x", "--no-such-path"],
            "rsync is not installed",
        ),
    ],
)
def test_publish_refuses_bad_arguments(args, message):
    env = dict(os.environ)
    if "--no-such-path" in args:  # a PATH where rsync cannot be found
        args = args[:-1]
        env["PATH"] = ""
    run = run_invoke("publish", *args, env=env)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Built " not in run.stdout


def test_rsync_sends_a_web_root_a_web_server_can_read(production, tmp_path):
    require_tool(shutil.which("rsync"), "rsync is not installed (Debian: apt-get install rsync)")
    # The output as a build under umask 077 leaves it: folders 0700, files 0600.
    built = tmp_path / "output"
    shutil.copytree(production.output, built)
    for path in modes(built):
        path.chmod(0o700 if path.is_dir() else 0o600)
    # The web root on the server, made by an administrator; rsync -p alone would make it 0700.
    web_root = tmp_path / "srv" / "site"
    web_root.mkdir(parents=True)
    web_root.chmod(0o755)

    run = subprocess.run(
        tasks.rsync_command(built, f"{web_root}/"),
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    sent = modes(web_root)
    assert len(sent) == len(modes(built))
    wrong = {p: oct(mode) for p, mode in sent.items() if mode != (0o755 if p.is_dir() else 0o644)}
    assert wrong == {}


@pytest.mark.parametrize("title", ["???", "🙂🙂", "..."])
def test_invoke_new_refuses_a_title_without_a_file_name_and_suggests_slug(title):
    articles = ROOT / "content" / "articles"
    before = set(articles.iterdir())
    try:
        run = run_invoke("new", title)
        made = set(articles.iterdir()) - before
    finally:  # without the guard, the project's own content/ would keep a hidden .md
        for path in set(articles.iterdir()) - before:
            path.unlink()
    assert made == set()
    assert run.returncode == 1
    assert run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith("error: the title") and "--slug" in line


def test_new_with_slug_names_the_file_and_the_field(tmp_path):
    (tmp_path / "content").mkdir()
    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS, content=tmp_path / "content")
    path = scaffold.new_article("🙂 ???", settings, slug="Happy Stretches")
    assert path == tmp_path / "content" / "articles" / "happy-stretches.md"
    assert "Slug: happy-stretches" in path.read_text().splitlines()
    page = scaffold.new_page("???", settings, slug="policy")
    assert page == tmp_path / "content" / "pages" / "policy.md"
    assert "Slug: policy" in page.read_text().splitlines()
    with pytest.raises(ValueError, match=re.escape("--slug '...' gives no file name")):
        scaffold.new_article("Title", settings, slug="...")
    assert sorted(p.name for p in (tmp_path / "content").rglob("*.md")) == [
        "happy-stretches.md",
        "policy.md",
    ]


def _stat_snapshot(folder):
    return {
        path.relative_to(folder): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("target", ["rsync", "github-pages"])
def test_a_dry_run_publish_leaves_output_alone_and_sends_nothing(
    target, tmp_path, monkeypatch, capsys
):
    if target == "rsync":
        require_tool(
            shutil.which("rsync"), "rsync is not installed (Debian: apt-get install rsync)"
        )
    output = tmp_path / "project" / "output"
    (output / "notes").mkdir(parents=True)
    (output / "index.html").write_text("the last local build")
    (output / "notes" / "index.html").write_text("a page")
    for path in output.rglob("*"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = _stat_snapshot(output)
    # A ghp-import that leaves a mark if it runs at all.
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "ghp-import").write_text(f"#!/bin/sh\ntouch {tmp_path / 'ghp-import-ran'}\n")
    (tools / "ghp-import").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SITEURL", PRODUCTION_URL)
    monkeypatch.setitem(tasks.CONFIG, "output", output)
    destination = tmp_path / "x"

    quiet_stdin = Context(Config(overrides={"run": {"in_stream": False}}))
    tasks.publish(quiet_stdin, target=target, destination=f"{destination}/", dry_run=True)

    said = capsys.readouterr().out
    assert _stat_snapshot(output) == before
    assert sorted(path.name for path in output.parent.iterdir()) == ["output"]  # no cache
    assert not destination.exists()
    assert not (tmp_path / "ghp-import-ran").exists()
    assert "Dry run: nothing was sent, and output/ was left as it was." in said
    if target == "rsync":
        assert "about/index.html" in said  # what rsync would send, from the dry run's build
    else:
        assert "Dry run: would run ghp-import --no-jekyll --push --force" in said
        assert said.count(str(output)) == 1
