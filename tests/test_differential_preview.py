"""The live preview, saved to step by step as an editor would (the steps:
tests/support/differential.py): once it has settled after each save, its output equals
a cold build's, and the last version of each page it showed early is the output's page.

And the early pages themselves (sitekit.devtools.quick): after every edit of an
article's text or fields, the open pages rendered from the last build's site, before
the build, are the build's own pages byte for byte, but where the edit moves the
article among the others (its date, its tags), which the build's pages then correct;
and no early page is offered for what only a whole build can show rightly (a new,
renamed, drafted or deleted file)."""

import contextlib
import io

from sitekit import runner
from sitekit.devtools.quick import Session
from tests.support.differential import OPEN_PAGES, STEPS, make_site, run_preview_session

# Edits after which an early page may differ from the build's: the article's place among
# the others changes (the date orders every listing, the tags fill the tags page).
CORRECTED_BY_THE_BUILD = {"tags", "date"}
# Edits of a file whose pages the last build's site cannot show: no early page.
WHOLE_BUILD_ONLY = {"slug", "new article", "status: draft", "deleted article", "new page"}


def test_after_every_save_the_previews_output_equals_a_cold_build(tmp_path):
    run_preview_session(tmp_path)


def test_the_early_pages_are_the_builds_own_after_every_edit_of_an_article(tmp_path):
    site = make_site(tmp_path / "site", production=False)
    output = site.root / "output"
    argv = ["--output", str(output), "--settings", str(site.settings)]
    argv += ["--content", str(site.content)]
    kept: dict[str, Session] = {}

    def build() -> None:
        finished = lambda state: kept.update(site=Session(state, str(tmp_path)))  # noqa: E731
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert runner.main(argv, finished=finished) == 0

    def stamps() -> dict:
        return {p: p.stat().st_mtime_ns for p in site.content.rglob("*") if p.is_file()}

    build()
    exact_steps = 0
    for number, (step, edit) in enumerate(STEPS, start=1):
        where = f"step {number} ({step})"
        before = stamps()
        edit(site)
        after = stamps()
        saved = [p for p in after if before.get(p) != after[p]] + [
            p for p in before if p not in after
        ]
        problems, early = kept["site"].early(saved, frozenset(OPEN_PAGES)) if saved else ([], {})
        build()
        assert problems == [], where
        differ = sorted(
            name for name, page in early.items() if (output / name).read_bytes() != page
        )
        if step in WHOLE_BUILD_ONLY:
            assert early == {}, where
        elif step in CORRECTED_BY_THE_BUILD:
            assert sorted(early) == sorted(OPEN_PAGES) and differ, where
        elif any(p.suffix == ".md" for p in saved):
            assert sorted(early) == sorted(OPEN_PAGES) and differ == [], f"{where}: {differ}"
            exact_steps += 1
        else:  # an image, authors.toml, the settings, the theme: the whole build first
            assert early == {}, where
    assert exact_steps >= 10
