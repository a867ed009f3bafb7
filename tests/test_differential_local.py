"""An incremental build equals a cold build after every kind of edit, local settings
(the steps: tests/support/differential.py)."""

from tests.support.differential import run_session


def test_after_every_edit_an_incremental_build_equals_a_cold_build(tmp_path):
    run_session(tmp_path, production=False)
