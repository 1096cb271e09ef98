"""The statement registry: choosing statements, plugging searches."""

import subprocess
import sys

import pytest

from larscheck.proofs_check import registry


def test_a_bare_id_is_one_statement():
    assert [s.id for s in registry.statements("lemma1")] == ["lemma1"]
    assert [s.id for s in registry.statements(["theorem2", "lemma1", "lemma1"])] == \
        ["lemma1", "theorem2"]  # the registry's order, duplicates dropped


def test_only_checks_that_consult_a_search_take_one():
    with pytest.raises(ValueError, match="consults no search"):
        registry.plug_search("lemma1", lambda ctx: None)
    with pytest.raises(ValueError, match="unknown statement"):
        registry.plug_search("no-such-id", lambda ctx: None)
    with pytest.raises(TypeError):
        registry.plug_search("conjecture1", "not callable")


#: A fresh process, where the check modules are not loaded yet when the user plugs.
_PLUG_FIRST = """
from larscheck.proofs_check import registry
def mine(ctx):
    return None
registry.plug_search("conjecture1", mine)
registry.statements()  # loads the checks and the built-in search
print(registry.plugged_search("conjecture1") is mine)
registry.plug_search("conjecture1", None)
registry.statements()
print(registry.plugged_search("conjecture1") is None)
"""


def test_a_search_plugged_before_the_checks_load_is_kept():
    out = subprocess.run([sys.executable, "-c", _PLUG_FIRST], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "True"]
