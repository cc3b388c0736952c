"""A partnership's workspace: one folder holding its configuration and data.

    partnership.yaml   name, areas, periods, disclosure rules, roles
    sources/           one YAML per agency source (mapping to the canonical model)
    inbox/             extracts as agencies deliver them
    quarantine/        rows that could not be loaded, with their reasons
    reports/           profiles, exports, data maps
    geography/         postcode and small-area lookups, boundaries, population
    identity/          the pseudonymisation secret and linkage work (never the warehouse)

The secret that keys pseudonyms is generated here, readable only by its
owner, and never copied into the warehouse or any report.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from ceintel.config import Area, Partnership, Periods, load_partnership, partnership_yaml
from ceintel.errors import WorkspaceError

CONFIG_FILE = "partnership.yaml"
FOLDERS = ("sources", "inbox", "quarantine", "reports", "geography", "identity")
SECRET_FILE = "identity/pseudonym.key"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def geography(self) -> Path:
        return self.root / "geography"

    @property
    def identity(self) -> Path:
        return self.root / "identity"

    @property
    def staging(self) -> Path:
        """Per-source canonical records and manifests, assembled into the warehouse."""
        return self.root / "staging"

    @property
    def identity_staging(self) -> Path:
        """Per-source identifiers, read only by the identity step."""
        return self.identity / "staging"

    @property
    def secret_path(self) -> Path:
        return self.root / SECRET_FILE

    def config(self) -> Partnership:
        return load_partnership(self.config_path)

    def secret(self) -> bytes:
        """The pseudonymisation key; refuses a key that others can read."""
        path = self.secret_path
        if not path.exists():
            raise WorkspaceError(f"{path}: the pseudonymisation secret is missing; restore it from your backup")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise WorkspaceError(
                f"{path}: the pseudonymisation secret is readable by others (mode {mode:o}); "
                f"run: chmod 600 {path}"
            )
        return bytes.fromhex(path.read_text().strip())


def default_partnership(name: str = "My Safeguarding Children Partnership",
                        areas: list[Area] | None = None,
                        start: dt.date = dt.date(2023, 4, 1)) -> Partnership:
    return Partnership(
        name=name,
        areas=areas or [Area(code="E00000000", name="Change me: your local authority")],
        periods=Periods(start=start),
    )


def _write_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)


def init_workspace(root: Path, partnership: Partnership | None = None) -> Workspace:
    """Create a new workspace folder; refuses to overwrite an existing one."""
    root = Path(root)
    ws = Workspace(root)
    if ws.config_path.exists():
        raise WorkspaceError(f"{root} is already a workspace ({CONFIG_FILE} exists); choose another folder")
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} exists and is not a folder")
    root.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (root / folder).mkdir(exist_ok=True)
    ws.config_path.write_text(
        "# ceintel partnership configuration. See docs/configuration.md.\n"
        + partnership_yaml(partnership or default_partnership()),
        encoding="utf-8",
    )
    _write_secret(ws.secret_path)
    return ws


def open_workspace(root: Path) -> Workspace:
    """An existing workspace, checked for its configuration file."""
    ws = Workspace(Path(root))
    if not ws.config_path.exists():
        raise WorkspaceError(
            f"{root} is not a ceintel workspace (no {CONFIG_FILE}); create one with: ceintel init {root}"
        )
    return ws
