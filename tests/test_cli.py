"""The command line turns user errors into one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def run(*args, cwd=None):
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "ceintel", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


def test_init_then_check_config(tmp_path):
    ws = tmp_path / "ws"
    result = run("init", str(ws), "--name", "Test Partnership", "--area", "X06000001:Brackenford")
    assert result.returncode == 0, result.stderr
    check = run("check-config", str(ws))
    assert check.returncode == 0, check.stderr
    assert "Test Partnership" in check.stdout and "X06000001" in check.stdout


def test_bad_config_is_one_clear_message(tmp_path):
    ws = tmp_path / "ws"
    run("init", str(ws))
    cfg = ws / "partnership.yaml"
    cfg.write_text(cfg.read_text().replace("record_level: all", "record_level: everyone"))
    result = run("check-config", str(ws))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "roles.analyst.record_level" in result.stderr and "'everyone'" in result.stderr


def test_bad_area_option(tmp_path):
    result = run("init", str(tmp_path / "ws"), "--area", "no-colon")
    assert result.returncode == 2 and "CODE:NAME" in result.stderr and "Traceback" not in result.stderr


def test_not_a_workspace(tmp_path):
    result = run("check-config", str(tmp_path))
    assert result.returncode == 2 and "ceintel init" in result.stderr


def test_codes_lists_the_vocabularies():
    result = run("codes", "exploitation_type")
    assert result.returncode == 0
    assert "Child criminal exploitation" in result.stdout
