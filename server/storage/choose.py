"""Which store `--db` names: a SQLite file (the default) or a PostgreSQL server.

data/hindsight.db                     a SQLite file (a path, as before)
sqlite:///data/hindsight.db           the same, as a URL (sqlite:////abs/path: absolute)
postgresql://user:pw@host:5432/name   PostgreSQL, shared by any number of nodes
"""

from __future__ import annotations

from hindsight.server.storage.store import Store

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(db: str) -> bool:
    return db.strip().lower().startswith(POSTGRES_SCHEMES)


def sqlite_path(db: str) -> str:
    """The file a SQLite setting names (a path, or a sqlite:/// URL)."""
    return db[len("sqlite:///") :] if db.lower().startswith("sqlite:///") else db


def make_store(db: str, *, synchronous: str = "FULL", node: str = "") -> Store:
    """The store `db` names, not yet opened. ValueError for a URL of another database."""
    db = db.strip()
    if is_postgres(db):
        from hindsight.server.storage.pg_store import PgStore

        return PgStore(db, synchronous=synchronous, node=node)
    if "://" in db and not db.lower().startswith("sqlite:///"):
        raise ValueError(
            f"--db must be a SQLite file, sqlite:///path or postgresql://..., not {db!r}"
        )
    return Store(sqlite_path(db), synchronous=synchronous)


def shown(db: str) -> str:
    """The setting as it may be printed: a URL's password is left out."""
    from urllib.parse import urlsplit, urlunsplit

    if not is_postgres(db):
        return db
    parts = urlsplit(db.strip())
    if parts.password is None:
        return db
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
