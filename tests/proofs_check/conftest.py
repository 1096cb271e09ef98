"""Fixtures of the proofs_check tests: one quick run context shared by a module."""

import pytest

from larscheck.proofs_check.context import Context


@pytest.fixture(scope="module")
def quick_ctx():
    """A ``--quick`` context (seed 3); its cache lets checks of one module share runs."""
    return Context(seed=3, quick=True)
