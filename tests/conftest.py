"""Hypothesis profiles: CI replays the same examples every run; a developer's run explores.

`.ci/run` sets HYPOTHESIS_PROFILE=ci, so a red CI always comes from the change under test, not
from a new random draw; property tests still explore new examples on every local run, and what they
find is pinned with @example.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
