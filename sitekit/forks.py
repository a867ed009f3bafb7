"""Work in a forked process, with its result, its warnings and its errors brought back.

The forked process shares everything this one has read (settings, templates,
articles) without pickling it; only the result crosses back, through a pipe.
multiprocessing's Pool does the same for many small tasks (plugins.reader);
this is for one large task a process, where a Pool's start costs more.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple

from sitekit.build import logs

logger = logging.getLogger(__name__)


class Forked(NamedTuple):
    pid: int
    pipe: int


def start(work: Callable[[], Any]) -> Forked:
    """Run `work` in a forked process now; `result` waits for what it returns."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's own coverage is not collected
        os.close(read_end)
        status = 0
        with logs.collected_warnings() as warnings:
            try:
                payload = ("ok", work(), warnings)
            except BaseException as error:
                payload = ("error", _picklable(error), warnings)
                status = 1
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(payload, pipe)
        os._exit(status)
    os.close(write_end)
    return Forked(pid, read_end)


def result(forked: Forked) -> Any:
    """What the work returned; its warnings are logged here, and its error raised here."""
    with os.fdopen(forked.pipe, "rb") as pipe:
        data = pipe.read()
    os.waitpid(forked.pid, 0)
    if not data:
        raise RuntimeError("a forked build process stopped without a result")
    outcome, value, warnings = pickle.loads(data)
    for message in warnings:
        logger.warning("%s", message)
    if outcome == "error":
        raise value
    return value


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(str(error))
    return error
