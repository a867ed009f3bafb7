"""Work in a forked process, with its result, its warnings and its errors brought back.

The forked process shares everything this one has read (settings, templates,
articles) without pickling it; only the result crosses back, through a pipe.
`start` is for one large task a process, where a pool's start costs more;
`pool` and `executor` are the standard library's pools of forked processes
for many small tasks. Every process forked here freezes what it inherited
from the garbage collector's view (sitekit.core.collector).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.pool
import os
import pickle
import select
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sitekit.core import collector, logs

logger = logging.getLogger(__name__)


class Forked:
    """A forked process at work, and what came back from it (read once, kept)."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self.pipe = pid, pipe
        self._outcome: tuple[bool, Any] | None = None

    def result(self) -> Any:
        """What the work returned; its warnings are logged here, and its error raised here."""
        if self._outcome is None:
            self._outcome = self._collect()
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def ready(self, seconds: float) -> bool:
        """Whether what the work returned can be read now, waiting at most `seconds`."""
        return self._outcome is not None or bool(select.select([self.pipe], [], [], seconds)[0])

    def stop(self) -> None:
        """End the process if nothing has been read from it yet (the build failed meanwhile)."""
        if self._outcome is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.close(self.pipe)
            os.waitpid(self.pid, 0)
            self._outcome = (False, RuntimeError("a forked build process was stopped"))

    def _collect(self) -> tuple[bool, Any]:
        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self.pid, 0)
        if not data:
            return False, RuntimeError("a forked build process stopped without a result")
        outcome, value, warnings = pickle.loads(data)
        for message in warnings:
            logger.warning(logs.RELAYED_FORMAT, message, extra={logs.RELAYED: True})
        return outcome == "ok", value


def start(work: Callable[[], Any]) -> Forked:
    """Run `work` in a forked process now; `Forked.result` waits for what it returns.

    The child never returns into this process's code: whatever happens, it ends
    with os._exit.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's own coverage is not collected
        status = 1
        try:
            os.close(read_end)
            collector.in_forked_process()
            with logs.collected_warnings() as warnings:
                try:
                    payload = ("ok", work(), warnings)
                except BaseException as error:
                    payload = ("error", _picklable(error), warnings)
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(payload, pipe)
            status = 0 if payload[0] == "ok" else 1
        finally:
            os._exit(status)
    os.close(write_end)
    return Forked(pid, read_end)


def pool(processes: int) -> multiprocessing.pool.Pool:
    """A pool of forked processes for many small tasks (markdown.reader)."""
    return multiprocessing.get_context("fork").Pool(
        processes, initializer=collector.in_forked_process
    )


def executor(workers: int) -> ProcessPoolExecutor:
    """The same, as an executor (images.publish, hosting.precompress)."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=collector.in_forked_process,
    )


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(str(error))
    return error
