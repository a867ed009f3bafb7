"""An editor's session, step by step: after every step, an incremental build must write exactly
the bytes a cold build of the same sources writes (tests/test_differential_*.py).

The site is a copy of the project's own: its content, its theme and settings
that import pelicanconf.py or publishconf.py, plus images and a person in
authors.toml, so that every kind of edit has something to change. Each step
edits the copy as an editor would; none of them knows how the build reuses
anything, so a field, a file or a setting that reuse forgets shows up as a
difference.

On this small site every local rebuild makes the search index anew; a local
rebuild of a larger site indexes the changed articles beside the last index
(a delta, by design), which tests/test_search.py checks against a cold build
by what the search page finds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.support.build import differences, run_build, snapshot
from tests.support.pages import ROOT

AUTHORS = """\
[[people]]
name = "Ada Example"
bio = "Ada writes about massage."
credentials = "RMT"
"""


@dataclass
class Site:
    root: Path
    production: bool

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def articles(self) -> Path:
        return self.content / "articles"

    @property
    def settings(self) -> Path:
        return self.root / "settings.py"

    @property
    def theme(self) -> Path:
        return self.root / "theme"

    def article(self, stem: str = "back-massage-therapy") -> Path:
        return self.articles / f"{stem}.md"

    def build(self, output: Path):
        return run_build(
            "--settings", self.settings, "--content", self.content,
            output=output, production=self.production,
        )  # fmt: skip


def image(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (96, 64)) -> None:
    """A small image with a gradient, so that its encodings differ from another colour's."""
    picture = Image.new("RGB", size, colour)
    for x in range(size[0]):
        picture.putpixel((x, x * size[1] // size[0]), (x * 2 % 256, 40, 200))
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path)


def make_site(root: Path, production: bool) -> Site:
    shutil.copytree(ROOT / "content", root / "content")
    # Without the record of published addresses: these sites change and drop addresses
    # on purpose (tests/test_redirects.py tests the record).
    (root / "content" / "addresses.txt").unlink()
    shutil.copytree(ROOT / "theme", root / "theme")
    settings = "publishconf" if production else "pelicanconf"
    (root / "settings.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom {settings} import *\n"
        f"THEME = {str(root / 'theme')!r}\n",
        "utf-8",
    )
    site = Site(root, production)
    image(site.content / "images" / "one.jpg", (200, 120, 40))
    image(site.content / "images" / "two.png", (20, 160, 90))
    (site.content / "authors.toml").write_text(AUTHORS, "utf-8")
    return site


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def add_field(path: Path, line: str) -> None:
    """A field line, added after the first line (Title:)."""
    title, rest = path.read_text("utf-8").split("\n", 1)
    path.write_text(f"{title}\n{line}\n{rest}", "utf-8")


def set_field(path: Path, name: str, value: str) -> None:
    lines = path.read_text("utf-8").split("\n")
    index = next(n for n, line in enumerate(lines) if line.startswith(f"{name}: "))
    lines[index] = f"{name}: {value}"
    path.write_text("\n".join(lines), "utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n" + text + "\n", "utf-8")


NEW_ARTICLE = """\
Title: Stretching After a Massage
Date: 2026-11-24
Category: Aftercare
Tags: stretching, chronic pain
Summary: A few gentle stretches that keep the muscles loose after a back massage.

Stretch slowly, and stop if it hurts.

## Before you start

Warm up first.

## The stretches

Reach up, then forward.

## Afterwards

Drink some water.
"""

HEADINGS = "## Before\n\nWarm up.\n\n## During\n\nBreathe.\n\n## After\n\nRest."

NEW_PAGE = """\
Title: Contact
Summary: How to reach the people behind this site.

Write to us by post.
"""

# Each step: what an editor does, as a function of the site. In order: later steps build
# on earlier ones (the author exists before an article names them, and so on).
STEPS: list[tuple[str, Callable[[Site], None]]] = [
    ("nothing changed", lambda site: None),
    ("body text", lambda site: append(site.article(), "A closing sentence, added later.")),
    ("title", lambda site: set_field(site.article(), "Title", "Back Massage Therapy, Revised")),
    ("summary", lambda site: set_field(site.article(), "Summary", "What a back massage does.")),
    ("tags", lambda site: set_field(site.article(), "Tags", "stress relief, a new tag")),
    ("category", lambda site: set_field(site.article(), "Category", "Techniques")),
    ("date", lambda site: set_field(site.article(), "Date", "2026-11-18 09:30")),
    ("modified", lambda site: add_field(site.article(), "Modified: 2026-11-26")),
    ("image field", lambda site: add_field(site.article(), "Image: images/one.jpg")),
    (
        "image file replaced under the same name",
        lambda site: image(site.content / "images" / "one.jpg", (240, 10, 10), (80, 60)),
    ),
    (
        "inline image in another article",
        lambda site: append(
            site.article("massage-therapy-for-the-upper-back"),
            "![A hand on a back]({static}/images/one.jpg)",
        ),
    ),
    (
        "footnote",
        lambda site: append(
            site.article(), "Massage helps some people[^1].\n\n[^1]: A source, named here."
        ),
    ),
    ("headings for a table of contents", lambda site: append(site.article(), HEADINGS)),
    ("author", lambda site: add_field(site.article(), "Author: Ada Example")),
    (
        "reviewer and review date",
        lambda site: add_field(site.article(), "Reviewed-By: Ada Example\nLast-Reviewed: 2026-11-27"),
    ),
    (
        "authors.toml",
        lambda site: replace_in(
            site.content / "authors.toml", "Ada writes about massage.", "Ada teaches massage."
        ),
    ),
    ("slug", lambda site: set_field(site.article(), "Slug", "back-massage")),
    (
        "new article",
        lambda site: (site.articles / "stretching.md").write_text(NEW_ARTICLE, "utf-8"),
    ),
    ("status: draft", lambda site: add_field(site.articles / "stretching.md", "Status: draft")),
    ("deleted article", lambda site: (site.articles / "stretching.md").unlink()),
    ("new page", lambda site: (site.content / "pages" / "contact.md").write_text(NEW_PAGE, "utf-8")),
    (
        "settings",
        lambda site: append(site.settings, 'HEALTH_NOTICE = "Ask a doctor before any massage."'),
    ),
    (
        "template",
        lambda site: replace_in(
            site.theme / "templates" / "partials" / "footer.html",
            "not medical advice.",
            "not medical advice, ever.",
        ),
    ),
    (
        "stylesheet",
        lambda site: replace_in(site.theme / "css" / "site.css", "}", "}\n.x { color: red }"),
    ),
]  # fmt: skip


def folders(output: Path) -> list[Path]:
    return sorted(p.relative_to(output) for p in output.rglob("*") if p.is_dir())


def equals_a_cold_build(site, output: Path, cold_root: Path, where: str) -> None:
    """`output` has the same files, bytes and folders as a cold build of the same sources,
    made in `cold_root` and deleted after."""
    cold = site.build(cold_root / "output")
    assert cold.code == 0, f"{where}: {cold.stderr}"
    found = differences(snapshot(cold.output), snapshot(output))
    assert found == [], f"{where}: the output differs from a cold build's: {found}"
    assert folders(output) == folders(cold.output), f"{where}: folders"
    shutil.rmtree(cold_root)


def run_session(tmp_path: Path, production: bool) -> None:
    """Every step, then an incremental build and a cold build of the same sources, which
    must write the same files with the same bytes, and the same folders."""
    site = make_site(tmp_path / "site", production)
    output = site.root / "output"
    for number, (step, edit) in enumerate(STEPS, start=1):
        edit(site)
        incremental = site.build(output)
        assert incremental.code == 0, f"step {number} ({step}): {incremental.stderr}"
        equals_a_cold_build(site, output, tmp_path / f"cold-{number}", f"step {number} ({step})")


# The pages a browser has open while the editor works: rendered first, served early.
OPEN_PAGES = ("back-massage-therapy/index.html", "index.html", "tags/index.html")


def settle(preview, before: int, seconds: float = 120.0) -> None:
    """Wait until the preview has built since generation `before` and has been idle for a
    while (one save can be seen as two changes)."""
    import time

    deadline = time.monotonic() + seconds
    while preview.outcome.generation <= before or preview.busy:
        assert time.monotonic() < deadline, "the preview did not build after the save"
        time.sleep(0.05)
    while True:
        seen = preview.outcome.generation
        time.sleep(1.0)
        if preview.outcome.generation == seen and not preview.busy:
            return
        assert time.monotonic() < deadline, "the preview did not settle"


def run_preview_session(tmp_path: Path, production: bool = False) -> None:
    """Every step saved while the live preview runs, with pages open in a browser; once the
    preview has settled, its output must equal a cold build's, and the last version it
    served early of each page must be the output's page, byte for byte."""
    import threading

    from sitekit.devtools.preview import Preview

    site = make_site(tmp_path / "site", production)
    output = site.root / "output"
    build_args = ("--settings", str(site.settings), "--content", str(site.content))
    if production:
        build_args = ("--production", *build_args)
    preview = Preview(
        output,
        [site.content, site.theme, site.settings],
        build_args=build_args,
        quiet=True,
        content=site.content,
    )
    early: list[tuple[str, bytes]] = []
    push = preview.outcome.push
    preview.outcome.push = lambda name, page: (early.append((name, page)), push(name, page))
    for name in OPEN_PAGES:
        preview.outcome.watching[name] = 1
    preview.start()
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    try:
        settle(preview, 0)
        for number, (step, edit) in enumerate(STEPS, start=1):
            before = preview.outcome.generation
            early.clear()
            edit(site)
            if step != "nothing changed":
                settle(preview, before)
            assert preview.outcome.problems == [], (
                f"step {number} ({step}): {preview.outcome.problems}"
            )
            equals_a_cold_build(
                site, output, tmp_path / f"cold-{number}", f"step {number} ({step})"
            )
            # An early page that the build renders otherwise is sent again: the last one
            # sent of each page is the output's.
            for name, page in dict(early).items():
                assert (output / name).read_bytes() == page, f"step {number} ({step}): {name}"
            if step == "body text":  # a save to an article: the open pages come first, once
                assert sorted(name for name, _ in early) == sorted(OPEN_PAGES), f"step {number}"
    finally:
        preview.stop()
        watcher.join(timeout=30)
