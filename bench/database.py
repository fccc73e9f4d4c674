"""The throw-away PostgreSQL database the benchmark runs against."""

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def _name_and_admin_url(url: str) -> tuple[str, str]:
    """The database name in ``url`` and the same server's ``postgres`` database, to run DDL from."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name == "postgres":
        raise ValueError(f"BENCH_DATABASE_URL must name a database of its own, not {name or 'none'!r}")
    return name, urlunsplit(parts._replace(path="/postgres"))


def _execute(admin_url: str, statement: sql.Composable) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def recreate(url: str) -> None:
    """Drop the database (closing its sessions) and create it empty."""
    name, admin_url = _name_and_admin_url(url)
    drop(url)
    _execute(admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    name, admin_url = _name_and_admin_url(url)
    _execute(admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def analyze(url: str) -> None:
    """VACUUM ANALYZE the freshly loaded database, as autovacuum would soon after a bulk load.

    Without it the planner's statistics of the 91k-row region table are missing or stale
    right after load_regions and some lists take a pkey scan (~10 ms instead of ~0.1 ms),
    so the numbers would depend on whether autovacuum got there before wrk did.
    """
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute("VACUUM ANALYZE")


def server_version(url: str) -> str:
    """``SELECT version()``, cut before the build details ("PostgreSQL 15.20 (Debian ...)")."""
    with psycopg.connect(url, connect_timeout=5) as connection:
        (version,) = connection.execute("SELECT version()").fetchone()
    return version.split(" on ", 1)[0]
