"""What each role may see and do, decided in one place from ``partnership.yaml``'s ``roles``.

A principal is a signed-in user with their role's rule: whether they may see
record-level (pseudonymised) data — none, their own agency's, or all —, which
disclosure audience their aggregates come from, and which capabilities they
hold (narratives, upload, maturity, actions, admin, export). Pages ask
:meth:`Principal.can` and :meth:`Principal.sees_records`; nothing else in
the app decides access.
"""

from __future__ import annotations

from dataclasses import dataclass

from ceintel.config import RoleRule

CAPABILITIES = ("narratives", "upload", "maturity", "actions", "admin", "export")
ROLE_LABELS = {"admin": "Administrator", "analyst": "Partnership analyst", "agency_data_owner": "Agency data owner",
               "practitioner": "Practitioner", "strategic_lead": "Strategic lead"}


class Forbidden(Exception):
    """The signed-in user's role does not allow this."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    agency: str | None
    rule: RoleRule
    session_id: int
    csrf_token: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def audience(self) -> str:
        return self.rule.audience

    def can(self, capability: str) -> bool:
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        return capability in self.rule.can

    def sees_records(self, agency: str | None = None) -> bool:
        """May this user see record-level rows (of ``agency``'s sources, when given)?"""
        level = self.rule.record_level
        if level == "all":
            return True
        if level == "own_agency":
            return agency is not None and agency == self.agency
        return False

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise Forbidden(f"your role ({self.role_label}) cannot use {capability}")

    def require_records(self, agency: str | None = None) -> None:
        if not self.sees_records(agency):
            raise Forbidden(f"your role ({self.role_label}) does not see record-level data")
