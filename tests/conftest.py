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


@pytest.fixture(scope="session")
def linked_workspace(tmp_path_factory: pytest.TempPathFactory):
    """A small demo workspace taken through ingest and identity (about 20 s); shared by framework tests.

    Returns the ``DemoResult`` (``.workspace``, ``.truth``). Tests must not change it.
    """
    from ceintel.demo import make_demo_workspace
    from ceintel.identity.run import link_workspace
    from ceintel.ingest.run import ingest_workspace
    from ceintel.warehouse import build_warehouse

    result = make_demo_workspace(tmp_path_factory.mktemp("framework") / "ws", children=3000, seed=7)
    ingest_workspace(result.workspace)
    build_warehouse(result.workspace)
    link_workspace(result.workspace)
    return result


@pytest.fixture(scope="session")
def built_workspace(linked_workspace):
    """``linked_workspace`` with the intelligence framework built (``framework.duckdb``)."""
    from ceintel.framework.build import build_framework

    build_framework(linked_workspace.workspace)
    return linked_workspace
