"""Which agency's maturity answers and action plan a user may change (one rule, used by both pages).

An agency data owner changes only their own agency's; other roles holding the
capability (the analyst, for maturity and actions; the strategic lead, for
actions) work for the whole partnership and may change any.
"""

from ceintel.web.permissions import Forbidden, Principal


def may_change(me: Principal, capability: str, agency: str | None) -> bool:
    if not me.can(capability):
        return False
    if me.role == "agency_data_owner":
        return agency is not None and agency == me.agency
    return True


def require_change(me: Principal, capability: str, agency: str | None) -> None:
    if not may_change(me, capability, agency):
        raise Forbidden(f"your role ({me.role_label}) cannot change {capability} for {agency or 'the partnership'}")


def agencies(state) -> list[str]:
    """Agencies named by the workspace's source configurations."""
    from ceintel.web.pages.common import source_configs

    return sorted({c.agency for c in source_configs(state)})
