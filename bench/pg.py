"""PostgreSQL databases for the benchmarks: one per archive, kept between runs like SQLite's folders.

The server is PARLEY_BENCH_PG (default postgres://parley:parley@127.0.0.1:5432, the role CI and
the README create); only 127.0.0.1 is contacted by default.
"""
import os

PG = os.environ.get("PARLEY_BENCH_PG", "postgres://parley:parley@127.0.0.1:5432")


def database(name: str, fresh: bool = False) -> str:
    """Return the URL of database `name`, creating it when missing (dropping it first when fresh)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        if fresh:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
