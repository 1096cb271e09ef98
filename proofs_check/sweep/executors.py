"""Executors of a sweep: run a function on many items, yield results as they finish.

- :class:`LocalPool`: ``K`` worker processes on this machine
  (:class:`concurrent.futures.ProcessPoolExecutor`); ``K = 1`` runs in this
  process, in order.
- :class:`DaskCluster`: an existing Dask distributed cluster, reached through
  its scheduler address (``tcp://HOST:PORT``; the ``distributed`` extra).
  When a worker dies, the scheduler reruns its tasks on the others, so the
  sweep still completes.

Both yield results in completion order; the caller stores each one as it
arrives, so nothing depends on the order. Every item is a pure function of
its inputs (seeded), so where it runs does not change its result.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from urllib.parse import urlsplit

#: Scheduler address schemes Dask's communication layer understands.
SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")

#: Fresh pools started for the unfinished items after a worker process dies.
POOL_RESTARTS = 3

#: Default seconds to wait for the scheduler to answer and for a first worker.
CONNECT_TIMEOUT = 10.0


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _exit_with_parent() -> None:
    """Pool initializer: exit as soon as the sweep process is gone (even after ``kill -9``)
    instead of waiting forever for work that will never come."""
    parent = multiprocessing.parent_process()  # the sweep, also under the fork server

    def watch():
        parent.join()  # returns when the parent's end of our pipe closes: it died
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="larscheck-parent-watch").start()


class LocalPool:
    """A pool of ``workers`` local processes (1: run inline, in order).

    Workers start from a fork server (``spawn`` where there is none), so they
    inherit no open files of the caller (in particular not the locked results
    file), with the modules in ``preload`` imported once in the server.
    """

    def __init__(self, workers: int, preload: Sequence[str] = ()):
        if isinstance(workers, bool) or int(workers) != workers or workers < 1:
            raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
        self.workers = int(workers)
        self.preload = list(preload)

    def _context(self):
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(self.preload)
            return context
        return multiprocessing.get_context("spawn")  # pragma: no cover - no fork server

    def describe(self) -> str:
        return f"{self.workers} local process{'es' if self.workers > 1 else ''}"

    def imap_unordered(self, fn: Callable, items: Iterable) -> Iterator:
        """Yield ``fn(item)`` for every item, in completion order.

        A worker that dies (killed, out of memory) breaks the pool; the items
        it had not finished are run again in a fresh pool, at most
        :data:`POOL_RESTARTS` times, after which ``OSError`` says so (the
        results already yielded stand).
        """
        todo = dict(enumerate(items))
        if self.workers == 1 or len(todo) <= 1:
            for item in todo.values():
                yield fn(item)
            return
        for restart in range(POOL_RESTARTS + 1):
            yield from self._one_pool(fn, todo)
            if not todo:
                return
            if restart < POOL_RESTARTS:
                print(f"larscheck sweep: a local worker process died; running its "
                      f"{len(todo)} unfinished cell(s) again", file=sys.stderr, flush=True)
        raise OSError(f"local worker processes died {POOL_RESTARTS + 1} times; "
                      f"{len(todo)} cell(s) left undone; finished cells are saved, "
                      f"--resume continues")

    def _one_pool(self, fn: Callable, todo: dict) -> Iterator:
        """Run ``todo`` (index -> item) in one pool, removing each item as it finishes."""
        with ProcessPoolExecutor(max_workers=min(self.workers, len(todo)),
                                 mp_context=self._context(),
                                 initializer=_exit_with_parent) as pool:
            pending = {pool.submit(fn, item): key for key, item in todo.items()}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        key = pending.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            continue  # run again in the next pool
                        del todo[key]
                        yield result
            finally:
                for future in pending:
                    future.cancel()

    def close(self) -> None:
        """Nothing to release (the pool lives only during :meth:`imap_unordered`)."""


def check_address(address: str) -> str:
    """Validate a scheduler address of the form ``SCHEME://HOST:PORT``."""
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in SCHEMES or not parts.hostname or port is None:
        raise ValueError(f"--scheduler must look like tcp://HOST:PORT, got {address!r}")
    return address


class DaskCluster:
    """Run on a Dask distributed cluster through its scheduler.

    Parameters
    ----------
    address : str
        Scheduler address, e.g. ``tcp://10.0.0.5:8786``.
    timeout : float
        Seconds to wait for the scheduler, and then for at least one worker.

    Raises
    ------
    ImportError
        (as ``ValueError``) when the ``distributed`` extra is not installed.
    OSError
        When the scheduler cannot be reached or no worker joins in time.
    """

    def __init__(self, address: str, timeout: float = CONNECT_TIMEOUT):
        check_address(address)
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("--scheduler needs the 'distributed' extra: "
                             "pip install 'larscheck[distributed]'") from None
        self.address = address
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError):
            raise OSError(f"cannot reach the Dask scheduler at {address} "
                          f"(no answer within {timeout:g} s)") from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self.close()
            raise OSError(f"the Dask scheduler at {address} has no worker "
                          f"(none joined within {timeout:g} s)") from None

    def describe(self) -> str:
        workers = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        return f"Dask cluster at {self.address} ({workers} worker{'s' * (workers != 1)} now)"

    def imap_unordered(self, fn: Callable, items: Iterable) -> Iterator:
        """Yield ``fn(item)`` for every item, in completion order (lost tasks are rerun)."""
        from concurrent.futures import CancelledError

        from distributed import KilledWorker, as_completed

        futures = self.client.map(fn, list(items), pure=False)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                try:
                    result = future.result()
                except KilledWorker:
                    raise OSError("Dask gave up on a cell: every worker that ran it died "
                                  "(see distributed.scheduler.allowed-failures); finished "
                                  "cells are saved, --resume continues") from None
                except CancelledError:
                    raise OSError(f"lost the Dask scheduler at {self.address}; finished "
                                  f"cells are saved, --resume continues") from None
                yield result
                future.release()
        finally:
            if self.client.status == "running":
                self.client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        self.client.close()
