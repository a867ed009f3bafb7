"""sitekit.core.collector: no cyclic garbage collection in the build's own process while it
builds; forked processes collect their own objects; the caller gets the collector back."""

import gc

import pytest

from sitekit.core import collector, forks
from sitekit.runner import steps as publish
from tests.support.build import run_build


@pytest.fixture
def collector_as_it_was():
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    yield
    if gc.get_freeze_count() != frozen:
        gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_gives_the_collector_back_as_it_found_it(enabled, collector_as_it_was):
    gc.enable() if enabled else gc.disable()
    gc.freeze()  # the caller's own: left as it is
    frozen = gc.get_freeze_count()
    made = [[] for _ in range(1000)]  # not frozen, and must stay so
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled
    # Nothing frozen or unfrozen: freezing would add the 1,000 lists, unfreezing take away
    # the caller's. A frozen object that another thread frees meanwhile leaves, so the
    # count may only fall, by a few (it fell by one in CI).
    assert frozen - 100 <= gc.get_freeze_count() <= frozen
    assert len(made) == 1000


def _state(*_: object) -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


def test_every_forked_process_collects_only_what_it_makes(collector_as_it_was):
    with collector.paused():
        states = [forks.start(_state).result()]
        with forks.pool(2) as pool:
            states += pool.map(_state, range(2))
        with forks.executor(2) as pool:
            states += pool.map(_state, range(2))
        assert not gc.isenabled()
    for enabled, frozen in states:
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
    assert gc.isenabled()
