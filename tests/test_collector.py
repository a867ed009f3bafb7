"""build.collector: no cyclic garbage collection in the build's own process while it
builds; forked processes collect their own objects; the caller gets the collector back."""

import gc

import pytest

from sitekit import forks, publish
from sitekit.build import collector
from tests.support.build import run_build


@pytest.fixture
def collector_as_it_was():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_gives_the_collector_back_as_it_found_it(enabled, collector_as_it_was):
    gc.enable() if enabled else gc.disable()
    with collector.paused():
        assert not gc.isenabled()
        gc.freeze()  # what a process forked meanwhile does for itself
    assert gc.isenabled() is enabled
    assert gc.get_freeze_count() == 0


def test_a_forked_process_collects_only_what_it_makes(collector_as_it_was):
    with collector.paused():
        enabled, frozen = forks.start(lambda: (gc.isenabled(), gc.get_freeze_count())).result()
        assert not gc.isenabled()
    assert enabled
    assert frozen > 1000  # everything it inherited: modules, classes, settings


def test_a_build_collects_nothing_while_it_runs_and_gives_the_collector_back(
    tmp_path, monkeypatch, collector_as_it_was
):
    seen = []
    run = publish.run

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return run(*args, **kwargs)

    monkeypatch.setattr(publish, "run", watched)
    gc.enable()
    assert run_build(output=tmp_path / "output").code == 0
    assert seen == [False]
    assert gc.isenabled() and gc.get_freeze_count() == 0
