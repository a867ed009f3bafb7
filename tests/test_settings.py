"""A mistyped setting stops the build with one line that names the file, the line and the fix."""

import shutil

import pytest

from tests.support.build import run_build, snapshot
from tests.support.pages import ROOT


@pytest.fixture
def project(tmp_path):
    """A copy of the settings files and the theme, to break."""
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    return tmp_path


def break_setting(path, name, typo):
    text = path.read_text()
    assert f"\n{name} = " in text
    path.write_text(text.replace(f"\n{name} = ", f"\n{typo} = ", 1))
    return text[: text.index(f"\n{name} = ")].count("\n") + 2


@pytest.mark.parametrize(
    "name, typo", [("SITENAME", "SITENAM"), ("DEFAULT_PAGINATION", "DEFAULT_PAGINATON")]
)
@pytest.mark.parametrize("production", [False, True], ids=["local", "production"])
def test_a_mistyped_setting_is_named_with_the_closest_known_one(project, name, typo, production):
    line = break_setting(project / "pelicanconf.py", name, typo)
    settings = project / ("publishconf.py" if production else "pelicanconf.py")
    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build")
    before = snapshot(output)
    run = run_build(
        "--settings", settings, "--content", ROOT / "content", output=output, production=production
    )
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"error: pelicanconf.py:{line}: unknown setting {typo}; did you mean {name}?"
    ]
    assert snapshot(output) == before


def test_a_mistyped_production_setting_names_publishconf(project):
    conf = project / "publishconf.py"
    line = break_setting(conf, "FEED_ALL_RSS", "FEED_ALL_RRS")
    run = run_build(
        "--settings", conf, "--content", ROOT / "content", output=project / "out", production=True
    )
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"error: publishconf.py:{line}: unknown setting FEED_ALL_RRS; did you mean FEED_ALL_RSS?"
    ]


def test_settings_the_theme_or_pelican_read_are_known(project):
    conf = project / "pelicanconf.py"
    conf.write_text(conf.read_text() + "\nTYPOGRIFY = False\nHEALTH_NOTICE = 'Ask a doctor.'\n")
    run = run_build("--settings", conf, "--content", ROOT / "content", output=project / "out")
    assert run.code == 0, run.stderr


def test_relative_urls_are_refused_naming_the_line(project):
    conf = project / "pelicanconf.py"
    text = conf.read_text()
    conf.write_text(text.replace("\nRELATIVE_URLS = False", "\nRELATIVE_URLS = True", 1))
    line = text[: text.index("\nRELATIVE_URLS = False")].count("\n") + 2
    run = run_build("--settings", conf, "--content", ROOT / "content", output=project / "out")
    assert run.code == 2
    assert run.stderr.splitlines() == [
        f"error: pelicanconf.py:{line}: RELATIVE_URLS = True is not supported: "
        "every page links from the site's root. Set it to False."
    ]
