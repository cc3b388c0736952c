"""The app reads published files without ever blocking a build: a replaced file is picked up, the old one released."""

from __future__ import annotations

import os

import duckdb

from ceintel.web.data import Readers
from ceintel.workspace import Workspace


def _write(path, value: int) -> None:
    tmp = path.with_name(path.name + ".building")
    con = duckdb.connect(str(tmp))
    con.execute("CREATE TABLE t AS SELECT ? AS v", [value])
    con.close()
    os.replace(tmp, path)  # how every build publishes its file


def test_a_rebuilt_file_is_read_and_the_build_is_never_blocked(tmp_path):
    path = tmp_path / "framework.duckdb"
    _write(path, 1)
    readers = Readers(Workspace(tmp_path))
    assert readers.df("framework", "SELECT v FROM t")["v"].tolist() == [1]
    _write(path, 2)  # a build while the app holds the old file open: no lock error
    assert readers.df("framework", "SELECT v FROM t")["v"].tolist() == [2]
    readers.close()


def test_cached_answers_are_copies(tmp_path):
    path = tmp_path / "framework.duckdb"
    _write(path, 5)
    readers = Readers(Workspace(tmp_path))
    first = readers.df("framework", "SELECT v FROM t")
    first.loc[0, "v"] = 99
    assert readers.df("framework", "SELECT v FROM t")["v"].tolist() == [5]
    readers.close()
