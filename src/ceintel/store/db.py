"""Engines, sessions and migrations of the app state store, made in one place.

The store is chosen by a database URL: ``sqlite:///<workspace>/app.db`` by
default, ``postgresql+psycopg://...`` for a shared deployment (the
``CEINTEL_STORE_URL`` environment variable overrides the default). Every
entry point runs :func:`upgrade` first, so a store is always at the newest
schema and a fresh folder simply gets a new, empty store.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from ceintel.errors import CeintelError

if TYPE_CHECKING:
    from ceintel.workspace import Workspace

STORE_FILE = "app.db"
URL_VARIABLE = "CEINTEL_STORE_URL"


class StoreError(CeintelError):
    """The app state store cannot be reached or upgraded."""


def store_url(ws: Workspace) -> str:
    """The workspace's store: ``CEINTEL_STORE_URL`` if set, else SQLite at ``<workspace>/app.db``."""
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{Path(ws.root).resolve() / STORE_FILE}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")  # SQLite ignores foreign keys unless asked
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys switched on."""
    try:
        engine = create_engine(url)
    except Exception as exc:  # a bad URL or a missing driver
        raise StoreError(f"cannot open the app store {_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("ceintel.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the store at ``url`` up to ``revision`` (creating it if empty); safe to run every time."""
    from alembic import command

    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        command.upgrade(_alembic_config(engine), revision)
    except CeintelError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot upgrade the app store {_safe(str(engine.url))}: {exc}") from exc
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Take the store back to ``revision`` (``base`` empties it); for tests and rollbacks."""
    from alembic import command

    engine = make_engine(url)
    try:
        command.downgrade(_alembic_config(engine), revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The migration the store is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def connect(url: str) -> sessionmaker[Session]:
    """A session factory on an upgraded store (callers use :func:`session_scope`)."""
    engine = make_engine(url)
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(url_or_factory: str | sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed if the block succeeds, rolled back if it raises."""
    factory = connect(url_or_factory) if isinstance(url_or_factory, str) else url_or_factory
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if isinstance(url_or_factory, str):
            factory.kw["bind"].dispose()
