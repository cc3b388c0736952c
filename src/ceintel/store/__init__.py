"""The app state store: what people write into ceintel (answers, actions, later users and narratives).

Analytics live in DuckDB; this is the small, transactional state a web app
needs, in SQLAlchemy so a partnership can run it on SQLite (the default, a
file in the workspace) or on a shared PostgreSQL server (a database URL).
The schema changes only through Alembic migrations (:func:`upgrade`), so a
deployed store is never rebuilt by hand.
"""

from ceintel.store.db import STORE_FILE, connect, session_scope, store_url, upgrade
from ceintel.store.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Base,
    MaturityAnswer,
    MaturityRound,
)

__all__ = [
    "STORE_FILE",
    "Action",
    "ActionPlan",
    "ActionUpdate",
    "Base",
    "MaturityAnswer",
    "MaturityRound",
    "connect",
    "session_scope",
    "store_url",
    "upgrade",
]
