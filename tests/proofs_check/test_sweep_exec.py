"""Executors: the local pool, address checks, and an unreachable scheduler."""

from __future__ import annotations

import socket
import time

import pytest

from larscheck.proofs_check.sweep.executors import DaskCluster, LocalPool, check_address


def _square(x):
    return x * x


def _fail_on_three(x):
    if x == 3:
        raise ValueError("cell 3 failed")
    return x


@pytest.mark.parametrize("workers", [1, 2])
def test_local_pool_returns_every_result_once(workers):
    out = list(LocalPool(workers).imap_unordered(_square, range(7)))
    assert sorted(out) == [x * x for x in range(7)]


def test_local_pool_propagates_a_failure():
    with pytest.raises(ValueError, match="cell 3 failed"):
        list(LocalPool(2).imap_unordered(_fail_on_three, range(6)))


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_local_pool_rejects_bad_worker_counts(workers):
    with pytest.raises(ValueError, match="workers must be an integer >= 1"):
        LocalPool(workers)


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://", "tcp://host", "http://h:1",
                                     "tcp://h:port", "tcp://h:99999"])
def test_bad_scheduler_addresses(address):
    with pytest.raises(ValueError, match="must look like tcp://HOST:PORT"):
        check_address(address)


def free_port() -> int:
    """A TCP port nobody listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast():
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(OSError, match=f"cannot reach the Dask scheduler at {address}"):
        DaskCluster(address, timeout=1.0)
    assert time.monotonic() - start < 30  # bounded by the timeout, never a hang
