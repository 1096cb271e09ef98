"""The public names of ``larscheck`` resolve to the objects they stand for."""

import importlib
import inspect
import subprocess
import sys

import pytest

import larscheck
from larscheck.proofs_check import report
from larscheck.proofs_check.search import witness
from larscheck.sims import convex_family
from larscheck.theory import bounds


def test_every_public_name_resolves():
    for name in larscheck.__all__:
        assert getattr(larscheck, name) is not None, name


def test_lazy_names_are_the_defining_objects():
    assert larscheck.verify is report.verify
    assert larscheck.lemma1_radius is bounds.lemma1_radius
    assert larscheck.verify_witness is witness.verify_witness
    assert larscheck.ConvexFamily is convex_family.ConvexFamily


def test_import_loads_neither_sympy_work_nor_tensorflow():
    code = ("import sys, larscheck; "
            "print('tensorflow' in sys.modules, 'larscheck.theory.bounds' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_unknown_name_is_an_attribute_error():
    try:
        larscheck.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


#: The packages that declare their public names in ``__all__``.
PACKAGES = ["larscheck", "larscheck.strategies", "larscheck.cli", "larscheck.theory",
            "larscheck.theory.bounds", "larscheck.sims", "larscheck.sims.experiments",
            "larscheck.proofs_check"]
#: Public on purpose but kept out of ``__all__``: ``from larscheck import *`` must not
#: load TensorFlow.
NOT_IN_ALL = {"larscheck": {"KerasLARS"}}


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_exactly_the_public_surface(name):
    """Every name of ``__all__`` resolves, and every public non-module attribute of the
    package (its lazy names included) is in ``__all__`` (as Hypothesis checks for its
    strategies module)."""
    package = importlib.import_module(name)
    declared = package.__all__
    assert len(set(declared)) == len(declared), "a name twice in __all__"
    for attr in declared:
        assert getattr(package, attr) is not None, attr
    skip = NOT_IN_ALL.get(name, set())
    public = {attr for attr in dir(package) if not attr.startswith("_") and attr not in skip
              and not inspect.ismodule(getattr(package, attr))}
    # __all__ may also name submodules (for `import *`); the other names must match exactly
    assert public == {attr for attr in declared if not attr.startswith("_")
                      and not inspect.ismodule(getattr(package, attr))}
    assert skip <= set(dir(package)) and not skip & set(declared)


def test_the_lazy_hooks_cache_and_refuse_unknown_names(monkeypatch):
    from larscheck import theory
    from larscheck.theory._lazy import lazy_exports

    monkeypatch.delitem(vars(theory), "regime", raising=False)
    assert "regime" not in vars(theory)
    assert theory.regime is importlib.import_module("larscheck.theory.one_d_exact").regime
    assert "regime" in vars(theory)  # cached: the next access is a plain lookup
    getattr_, dir_ = lazy_exports("larscheck.theory", {"x": ".one_d_exact"},
                                  hidden={"y": ".one_d_exact:regime"})
    assert getattr_("y") is theory.regime and "x" in dir_()
    with pytest.raises(AttributeError, match="no attribute 'z'"):
        getattr_("z")
