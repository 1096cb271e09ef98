"""Shared pytest configuration: Hypothesis profiles.

- ``ci``: derandomised (same examples every run), used by ``.ci/run``;
- ``dev``: the default for local runs;
- ``deep``: many examples, for long adversarial searches
  (``HYPOTHESIS_PROFILE=deep pytest tests``).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "deep", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
