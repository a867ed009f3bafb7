"""The live preview, saved to step by step as an editor would (the steps:
tests/support/differential.py): once it has settled after each save, its output equals
a cold build's, and each page it showed early is the output's page."""

from tests.support.differential import run_preview_session


def test_after_every_save_the_previews_output_equals_a_cold_build(tmp_path):
    run_preview_session(tmp_path)
