"""Nothing outside content/ is ever read or published, and only what a page needs is published.

Each refusal is one line naming the file (and line), exit status 1, no traceback or
Python warning, and the previous output/ byte for byte as it was.
"""

import contextlib
import os
import re
import threading

import pytest
from PIL import Image

import sitekit.runner as site_build
from sitekit.core.problems import Problem, one_line
from sitekit.core.state import Options, OptionsError
from sitekit.images.plugin import source_of
from tests.support.build import leftovers, run_build, run_build_process, snapshot
from tests.support.images import png_header
from tests.support.pages import ROOT


def article(body="Some text.", title="Good", **fields):
    """An article; its text is on line 6 unless `fields` add lines (from line 5)."""
    header = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return (
        f"Title: {title}\nDate: 2026-11-20\nCategory: Care\nSummary: A good article.\n"
        f"{header}\n{body}\n"
    )


@pytest.fixture
def site(tmp_path):
    """A small site with an article and an image, already built once."""
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "images").mkdir()
    (tmp_path / "content" / "articles" / "good.md").write_text(article(), "utf-8")
    Image.new("RGB", (40, 30), (200, 100, 50)).save(tmp_path / "content" / "images" / "ok.png")
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    return tmp_path


def settings_with(site, options):
    settings = site / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"SITEKIT = {options!r}\n"
    )
    return settings


def refused(site, named, words, *args, process=False, production=False):
    """Build; require exit status 1, one error line naming `named` and holding `words`,
    nothing else on stderr, and the previous output as it was."""
    before = snapshot(site / "output")
    args = ("--content", site / "content", *args)
    if process:
        env = {"SITEURL": "https://example.org"} if production else None
        args = ("--production", *args) if production else args
        run = run_build_process(*args, output=site / "output", env=env)
    else:
        run = run_build(*args, output=site / "output", production=production)
    lines = run.stderr.splitlines()
    assert run.code == 1, run.stderr
    assert len(lines) == 2 and lines[1].startswith("Build failed with 1 problem(s)"), run.stderr
    assert lines[0].startswith("error: ") and named in lines[0], run.stderr
    assert words in lines[0], run.stderr
    assert snapshot(site / "output") == before, "the previous output was changed"
    assert leftovers(site) == []
    return lines[0]


# Symbolic links: never followed, wherever they point.


def test_a_link_to_the_environment_is_refused_and_nothing_is_published(site):
    (site / "content" / "images" / "env.txt").symlink_to("/proc/self/environ")
    line = refused(
        site, "content/images/env.txt", "is a symbolic link", process=True, production=True
    )
    assert "(to /proc/self/environ)" in line


def test_a_link_to_a_file_outside_content_is_refused_whatever_its_name(site):
    (site / "secret.txt").write_text("password=hunter2\n")
    (site / "content" / "images" / "photo.png").symlink_to(site / "secret.txt")
    refused(site, "content/images/photo.png", "is a symbolic link")


def test_a_linked_folder_is_refused_and_not_walked_into(site):
    outside = site / "elsewhere"
    outside.mkdir()
    (outside / "evil.svg").write_text("<svg onload='alert(1)'/>")
    (outside / "post.md").write_text(article(title="Post"))
    (site / "content" / "images" / "more").symlink_to(outside)
    refused(site, "content/images/more", "is a symbolic link")


def test_an_editors_lock_file_which_is_a_dangling_link_is_ignored_like_pelican_does(site):
    # Emacs keeps a lock as a link to "user@host.pid"; Pelican ignores hidden files.
    (site / "content" / "articles" / ".#good.md").symlink_to("someone@host.1234")
    run = run_build("--content", site / "content", output=site / "output")
    assert run.code == 0, run.stderr


def test_a_pipe_is_refused_before_anything_reads_it(site):
    pipe = site / "content" / "articles" / "waiting.md"
    os.mkfifo(pipe)
    done = threading.Event()

    def end_every_read():  # reading a pipe that nothing writes to waits for ever: fail instead
        while not done.wait(0.2):
            with contextlib.suppress(OSError):  # ENXIO: nothing is reading it
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(10, end_every_read)
    timer.start()
    try:
        refused(site, "content/articles/waiting.md", "is not a plain file")
    finally:
        done.set()
        timer.cancel()


# Paths that lead out of content/.


def test_an_image_field_outside_content_is_refused_and_the_file_is_never_opened(site):
    private = site / "private"
    private.mkdir()
    Image.new("RGB", (60, 40)).save(private / "private-photo.png")
    (site / "content" / "articles" / "bad.md").write_text(
        article(Image="../../private/private-photo.png", title="Bad"), "utf-8"
    )
    refused(
        site,
        "content/articles/bad.md:5: ",
        "'Image: ../../private/private-photo.png' points outside",
    )
    assert not list((site / ".output.images").glob("private-photo*"))
    # The images plugin, which reads before the check has stopped the build, opens nothing there.
    articles = site / "content" / "articles"
    assert (
        source_of("{static}/../private/private-photo.png", articles / "bad.md", site / "content")
        is None
    )
    assert source_of("{static}/images/ok.png", articles / "bad.md", site / "content") is not None


@pytest.mark.parametrize(
    "body",
    [
        "[the photo]({static}/../secret/photo.png)",
        "![the photo]({static}../../secret/photo.png)",
        '<img src="{attach}../../secret/photo.png" alt="the photo">',
        "[notes]({filename}/../secret/notes.md)",
    ],
    ids=["static", "static relative", "attach in html", "filename"],
)
def test_a_link_out_of_content_is_refused_and_nothing_is_copied_anywhere(tmp_path, body):
    # The output folder one level deeper than content/: Pelican would copy
    # {static}/../secret/photo.png to build/secret/photo.png, beside the output.
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "secret").mkdir()
    Image.new("RGB", (60, 40)).save(site / "secret" / "photo.png")
    (site / "secret" / "notes.md").write_text(article())
    (site / "content" / "articles" / "bad.md").write_text(article(body=body), "utf-8")
    output = site / "build" / "output"
    run = run_build("--content", site / "content", output=output)
    lines = run.stderr.splitlines()
    assert run.code == 1 and len(lines) == 2, run.stderr
    assert "content/articles/bad.md:6: the link {" in lines[0] and "points outside" in lines[0]
    assert not (site / "build" / "secret").exists() and not output.exists()
    assert sorted(p.name for p in (site / "secret").iterdir()) == ["notes.md", "photo.png"]


@pytest.mark.parametrize(
    "body",
    ["![the photo](../../x.png)", '<img alt="the photo" src="../../../x.png">'],
    ids=["markdown", "html"],
)
def test_an_image_address_out_of_content_is_refused(site, body):
    (site / "content" / "articles" / "bad.md").write_text(article(body=body, title="Bad"), "utf-8")
    refused(site, "content/articles/bad.md:6: ", "the image ../../")


def test_a_missing_file_outside_content_is_told_once(site):
    (site / "content" / "articles" / "bad.md").write_text(
        article(body="![x]({static}/../gone.png)", title="Bad"), "utf-8"
    )
    refused(site, "content/articles/bad.md:6: ", "points outside")


# What the static folders may hold.


@pytest.mark.parametrize(
    "name", ["evil.html", "evil.svg", "evil.js", "feed.xml", "guide.pdf", "README"]
)
def test_only_raster_images_are_published_from_the_images_folder(site, name):
    (site / "content" / "images" / name).write_text("<script>alert(document.cookie)</script>")
    refused(site, f"content/images/{name}", "are not published from here")


@pytest.mark.parametrize(
    "data",
    [b"<html><script>alert(1)</script>", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"],
    ids=["a web page", "PostScript, which Pillow would hand to Ghostscript"],
)
def test_a_png_that_is_something_else_is_refused(site, data):
    (site / "content" / "images" / "photo.png").write_bytes(data)
    refused(site, "content/images/photo.png", "cannot be read as an image (it is not a PNG")


def test_a_static_link_publishes_only_images_and_downloads(site):
    (site / "content" / "pages").mkdir()
    (site / "content" / "pages" / "evil.html").write_text("<script>alert(1)</script>")
    (site / "content" / "articles" / "bad.md").write_text(
        article(body="[x]({static}/pages/evil.html)", title="Bad"), "utf-8"
    )
    refused(site, "content/articles/bad.md:6: ", "would publish a '.html' file")


@pytest.mark.parametrize(
    "body",
    [
        "[x]({static}/pages/ok.png evil.svg)",
        "[x](<{static}/pages/ok.png evil.svg>)",
        '<a href="{static}/pages/ok.png evil.svg">x</a>',
    ],
    ids=["markdown", "angle brackets", "html"],
)
def test_a_static_link_with_a_space_publishes_no_other_file(site, body):
    """Markdown reads an address with spaces whole: the link names `ok.png evil.svg`, not
    the image `ok.png` beside it, and Pelican would copy that drawing, script and all."""
    pages = site / "content" / "pages"
    pages.mkdir()
    Image.new("RGB", (4, 4)).save(pages / "ok.png")
    (pages / "ok.png evil.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    )
    (site / "content" / "articles" / "bad.md").write_text(article(body=body, title="Bad"), "utf-8")
    refused(
        site, "content/pages/ok.png evil.svg", "would publish this '.svg' file", production=True
    )


def test_without_the_sources_check_pelican_copies_nothing_from_outside_content(
    tmp_path, monkeypatch
):
    """The second line, in Pelican: a file to copy from outside content/ is left out."""
    monkeypatch.setattr(site_build, "validate", lambda settings, shown: [])
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "secret").mkdir()
    Image.new("RGB", (60, 40)).save(site / "secret" / "photo.png")
    body = "[the photo]({static}/../secret/photo.png)"
    (site / "content" / "articles" / "bad.md").write_text(article(body=body), "utf-8")
    output = site / "build" / "output"
    run = run_build("--content", site / "content", output=output)
    assert run.code == 1, run.stderr
    assert not (site / "build" / "secret").exists() and not output.exists()
    assert "secret/photo.png: a link in a page would publish" in run.stderr


def test_a_suffix_the_downloads_option_lists_is_published(site):
    (site / "content" / "images" / "guide.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    settings = settings_with(site, {"downloads": [".pdf"]})
    run = run_build("--settings", settings, "--content", site / "content", output=site / "output")
    assert run.code == 0, run.stderr
    assert (site / "output" / "images" / "guide.pdf").read_bytes() == b"%PDF-1.4\n%%EOF\n"


def test_the_downloads_option_takes_suffixes_with_their_dot():
    assert Options().downloads == []
    assert Options.from_settings({"SITEKIT": {"downloads": [".pdf"]}}).downloads == [".pdf"]
    with pytest.raises(OptionsError, match=re.escape("such as '.pdf', not 'pdf'")):
        Options.from_settings({"SITEKIT": {"downloads": ["pdf"]}})


# Sizes.


def test_a_file_over_the_size_limit_is_refused(site):
    with open(site / "content" / "images" / "photo.jpg", "wb") as file:
        file.truncate(2 * 2**20)
    settings = settings_with(site, {"max_file_mib": 1})
    refused(
        site,
        "content/images/photo.jpg",
        "2.0 MiB, more than the limit of 1 MiB",
        "--settings",
        settings,
    )


def test_a_200_mb_file_is_refused_without_being_read(site):
    with open(site / "content" / "images" / "video.jpg", "wb") as file:
        file.truncate(200 * 2**20)  # sparse: nothing is written, and nothing should read it
    refused(site, "content/images/video.jpg", "200.0 MiB, more than the limit of 25 MiB")


def test_an_unused_144_megapixel_image_is_refused_without_a_python_warning(site):
    png_header(site / "content" / "images" / "huge.png", 12_000, 12_000)
    refused(
        site,
        "content/images/huge.png",
        "12000x12000 pixels (144 megapixels), more than the limit of 100",
        process=True,
    )


def test_a_3_6_gigapixel_image_is_refused_naming_the_file(site):
    png_header(site / "content" / "images" / "bomb.png", 60_000, 60_000)
    (site / "content" / "articles" / "bad.md").write_text(
        article(body="![a bomb]({static}/images/bomb.png)", title="Bad"), "utf-8"
    )
    refused(
        site,
        "content/articles/bad.md:6: the image {static}/images/bomb.png",
        "is more than 200 megapixels, more than the limit of 100",
        process=True,
    )


# Names.


def test_a_file_name_with_a_newline_is_refused_in_one_line(site):
    Image.new("RGB", (4, 4)).save(site / "content" / "images" / "a\nb.png", format="PNG")
    line = refused(site, "content/images/a\\nb.png", "holds a control character")
    assert "\n" not in line


def test_every_problem_is_one_line_whatever_its_path_and_message_hold():
    problem = Problem("content/a\nb\u2028c\x1b[2J.md", 3, "bad\r\nthing\tthere")
    assert str(problem).splitlines() == [str(problem)]
    assert str(problem) == "content/a\\nb\\u2028c\\x1b[2J.md:3: bad\\r\\nthing\\tthere"
    assert one_line("one\ntwo\x1b[2J") == "one; two\\x1b[2J"
    # A right-to-left override would show "photo\u202egnp.exe" as "photoexe.png".
    assert str(Problem("photo\u202egnp.exe", None, "x\u200by")) == "photo\\u202egnp.exe: x\\u200by"
