"""Configuration errors must name the file, the key, the bad value and what is allowed."""

from __future__ import annotations

import stat

import pytest
import yaml

from ceintel.errors import ConfigError, WorkspaceError
from ceintel.workspace import init_workspace, open_workspace


@pytest.fixture
def workspace(tmp_path):
    return init_workspace(tmp_path / "ws")


def _edit(ws, change):
    data = yaml.safe_load(ws.config_path.read_text())
    change(data)
    ws.config_path.write_text(yaml.safe_dump(data))


def test_init_creates_the_folders_config_and_a_private_secret(workspace):
    for folder in ("sources", "inbox", "quarantine", "reports", "geography", "identity"):
        assert (workspace.root / folder).is_dir()
    cfg = workspace.config()
    assert cfg.disclosure.audiences["public"].threshold == 5
    assert set(cfg.roles) == {"admin", "analyst", "agency_data_owner", "practitioner", "strategic_lead"}
    mode = stat.S_IMODE(workspace.secret_path.stat().st_mode)
    assert mode == 0o600
    assert len(workspace.secret()) == 32


def test_each_workspace_gets_its_own_secret(tmp_path):
    a = init_workspace(tmp_path / "a").secret()
    b = init_workspace(tmp_path / "b").secret()
    assert a != b


def test_init_refuses_to_overwrite(workspace):
    with pytest.raises(WorkspaceError, match="already a workspace"):
        init_workspace(workspace.root)


def test_a_secret_others_can_read_is_refused(workspace):
    workspace.secret_path.chmod(0o644)
    with pytest.raises(WorkspaceError, match="chmod 600"):
        workspace.secret()


def test_wrong_type_names_file_key_value_and_rule(workspace):
    _edit(workspace, lambda d: d["disclosure"]["audiences"]["public"].__setitem__("threshold", "five"))
    with pytest.raises(ConfigError) as exc:
        workspace.config()
    message = str(exc.value)
    assert "partnership.yaml" in message
    assert "disclosure.audiences.public.threshold" in message
    assert "'five'" in message
    assert "integer" in message


def test_value_outside_a_list_names_the_allowed_values(workspace):
    _edit(workspace, lambda d: d["roles"]["analyst"].__setitem__("record_level", "everything"))
    with pytest.raises(ConfigError) as exc:
        workspace.config()
    message = str(exc.value)
    assert "roles.analyst.record_level" in message and "'everything'" in message
    assert "'none'" in message and "'own_agency'" in message and "'all'" in message


def test_unknown_key_lists_the_allowed_keys(workspace):
    _edit(workspace, lambda d: d.__setitem__("threshhold", 3))
    with pytest.raises(ConfigError, match=r"unknown key 'threshhold'; allowed keys here: areas, disclosure"):
        workspace.config()


def test_unknown_role_is_refused(workspace):
    _edit(workspace, lambda d: d["roles"].__setitem__("superuser", {}))
    with pytest.raises(ConfigError, match="roles.superuser"):
        workspace.config()


def test_missing_key_is_named(workspace):
    _edit(workspace, lambda d: d.pop("periods"))
    with pytest.raises(ConfigError, match="'periods' is required"):
        workspace.config()


def test_periods_must_run_forwards(workspace):
    _edit(workspace, lambda d: d["periods"].__setitem__("end", "2020-01-01"))
    with pytest.raises(ConfigError, match="before start"):
        workspace.config()


def test_broken_yaml_gives_the_line(workspace):
    workspace.config_path.write_text("name: [unclosed\nareas: x\n")
    with pytest.raises(ConfigError, match=r"partnership.yaml: not valid YAML at line \d+"):
        workspace.config()


def test_a_folder_without_config_is_not_a_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="ceintel init"):
        open_workspace(tmp_path)
