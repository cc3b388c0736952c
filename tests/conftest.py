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


@pytest.fixture(scope="session")
def analysis_workspace(tmp_path_factory: pytest.TempPathFactory):
    """A borough big enough for its planted patterns to stand out (8,000 children), linked and analysed (~40 s).

    The analyses' truth tests need several peer groups and a few dozen children
    with exploitation concerns; the 3,000-child ``linked_workspace`` has too few
    for a pathway to be "the commonest". Returns the ``DemoResult``. Tests must not change it.
    """
    from ceintel.analysis.run import run_analyses
    from ceintel.demo import make_demo_workspace
    from ceintel.identity.run import link_workspace
    from ceintel.ingest.run import ingest_workspace
    from ceintel.warehouse import build_warehouse

    result = make_demo_workspace(tmp_path_factory.mktemp("analysis") / "ws", children=8000, seed=11)
    ingest_workspace(result.workspace)
    build_warehouse(result.workspace)
    link_workspace(result.workspace)
    run_analyses(result.workspace)
    return result
