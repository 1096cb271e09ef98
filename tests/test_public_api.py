"""The public names of ``larscheck`` resolve to the objects they stand for."""

import subprocess
import sys

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
