"""Shared fixtures: one small synthetic partnership per test session (a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceintel.synth import SynthResult, synthesise

SMALL_CHILDREN = 2000
SMALL_SEED = 2  # a seed whose 2,000 children include several peer groups


class SmallPartnership:
    def __init__(self, root: Path, result: SynthResult):
        self.root = root
        self.extracts = root / "extracts"
        self.geography = root / "geography"
        self.truth = root / "truth"
        self.result = result


@pytest.fixture(scope="session")
def small_partnership(tmp_path_factory: pytest.TempPathFactory) -> SmallPartnership:
    root = tmp_path_factory.mktemp("synth")
    result = synthesise(root / "extracts", root / "geography", root / "truth",
                        children=SMALL_CHILDREN, seed=SMALL_SEED)
    return SmallPartnership(root, result)
