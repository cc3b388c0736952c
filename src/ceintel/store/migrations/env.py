"""Alembic environment for the app state store, configured in code (no alembic.ini).

:func:`ceintel.store.db.upgrade` puts the engine in ``config.attributes``;
new revisions are written with ``alembic revision`` against a Config made
the same way (see docs/maturity.md). Batch mode lets later migrations alter
tables on SQLite too.
"""

from __future__ import annotations

from alembic import context

from ceintel.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from ceintel.store.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
