"""The build runner: strict about warnings, careful with the output folder."""

from sitekit.core.problems import PROJECT, one_line
from sitekit.hosting.headers import csp_hash
from sitekit.templating.inline_css import minify
from tests.support.build import leftovers, modes, run_build
from tests.support.pages import ROOT


def write_article(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, "utf-8")


def test_a_pelican_warning_fails_the_build_and_keeps_the_old_output(tmp_path):
    content = tmp_path / "content"
    write_article(
        content / "articles",
        "fine.md",
        "Title: Fine\nDate: 2026-11-20\nCategory: A\nSummary: S.\n\nText.\n",
    )
    output = tmp_path / "output"
    assert run_build("--content", content, output=output).code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    # Pelican skips an article with no date and, by itself, still reports success.
    write_article(
        content / "articles", "undated.md", "Title: Undated\nCategory: A\nSummary: S.\n\nText.\n"
    )
    run = run_build("--content", content, output=output)

    assert run.code == 1
    assert "undated.md" in run.stderr
    assert "Traceback" not in run.stderr
    assert all(len(line) < 400 for line in run.stderr.splitlines())
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path) == []


def test_output_folder_may_not_hold_the_sources(tmp_path):
    for bad in (ROOT, ROOT / "content", ROOT / "theme", ROOT.parent, ROOT / "content" / "out"):
        run = run_build(output=bad)
        assert run.code == 2, bad
        assert run.stderr.startswith("error: refusing to build into"), run.stderr
        assert "Traceback" not in run.stderr


def test_one_line_folds_messages_and_shortens_paths():
    message = f"Could not process {PROJECT}/content/a.md\n  bad   date"
    assert one_line(message) == "Could not process content/a.md; bad date"


def test_minify_drops_comments_and_space_but_not_text_inside_strings():
    css = '/* note */\nnav  a:hover ,\nli > p {\n  color : red;\n}\np::before { content: " , > ; "; }\n'
    assert minify(css) == 'nav a:hover,li>p{color:red}p::before{content:" , > ; "}'


def test_csp_hash_has_the_format_browsers_expect():
    assert csp_hash("a") == "'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs='"


def test_the_retired_output_is_deleted_after_a_successful_rebuild(tmp_path):
    import time

    output = tmp_path / "output"
    assert run_build(output=output).code == 0
    assert run_build(output=output).code == 0
    deadline = time.monotonic() + 20
    while (
        any(p.name.startswith(".output.old-") for p in tmp_path.iterdir())
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.old-")] == []
    assert (output / "index.html").is_file()


def test_the_inputs_digest_names_each_installed_package_and_its_version():
    from importlib import metadata

    from sitekit.core.inputs import versions

    listed = versions()
    for package in ("jinja2", "pelican", "markdown"):
        assert f"{package}-{metadata.version(package)}.dist-info" in listed


def test_a_page_written_twice_keeps_the_write_pelican_keeps(tmp_path):
    """An article saved as a listing's file (Save_as and URL) replaces the listing, as in Pelican."""
    from sitekit.devtools.bench import generate_site

    articles = generate_site(tmp_path / "content", 3)
    text = articles[0].read_text("utf-8")
    articles[0].write_text(
        text.replace("Slug: ", "Save_as: archives/index.html\nURL: archives/\nSlug: ", 1), "utf-8"
    )
    run = run_build("--content", tmp_path / "content", output=tmp_path / "output")
    assert run.code == 0, run.stderr
    archives = (run.output / "archives" / "index.html").read_text("utf-8")
    assert "<title>Back Massage Therapy (1) · " in archives
    assert "<title>Archives" not in archives


def test_the_output_folder_has_the_mode_of_the_folders_in_it(site):
    # output/ is the staging folder swapped in: made by mkdtemp alone it was 0700, and a web
    # server's user (nginx as www-data) could read nothing of the site.
    folders = {p: mode for p, mode in modes(site.output).items() if p.is_dir()}
    inside = {mode for p, mode in folders.items() if p != site.output}
    assert inside, "the build made no folder"
    assert {folders[site.output]} == inside
