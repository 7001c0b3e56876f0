"""Webhook intake: store a batch of new inbox rows with one statement on a dedicated connection.

Why not a pooled SQLAlchemy transaction: every statement, round trip or RETURNING
row releases the GIL, a request thread takes it, and the committing thread waits
to get it back. Under load that stretched a 0.6 ms commit to 3-4 ms, and on
SQLite the write lock was held all that time. One INSERT run in autocommit is
one atomic, durable transaction: SQLite takes and releases its write lock inside
a single C call (so this path needs no writer flock), PostgreSQL answers in one
round trip. The rows travel as one JSON array, so the SQL text never changes and
both databases keep it prepared. The table comes from inbox.py, which owns the
schema: names and types are read from it, never written here. On PostgreSQL the
same statement notifies the listening workers (listen.py) when it stored rows.
"""

import json
import logging
from typing import Any, Callable

from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

from ..errors import StorageUnavailable

log = logging.getLogger(__name__)
Row = dict[str, Any]  # column name → value, as the JSON array carries it
# Runs the insert on the driver's own (DB-API) connection, which the drivers leave untyped.
Insert = Callable[[Any, list[Row]], list[bool]]


class Intake:
    """Insert rows into `table`, skipping rows whose `key` is already stored."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        columns: tuple[str, ...],
        key: str,
        notify: Callable[[str], str] | None = None,
    ):
        self.engine = engine
        dbapi = engine.dialect.loaded_dbapi
        self._driver_error, self._integrity_error = dbapi.Error, dbapi.IntegrityError
        # SQLAlchemy's proxy, kept out of the pool for our sole use
        self._connection: PoolProxiedConnection | None = None
        if engine.dialect.name == "postgresql":
            self._insert: Insert = _postgres_insert(engine, table, columns, key, notify)
        else:
            self._insert = _sqlite_insert(table, columns, key)

    def insert(self, rows: list[Row]) -> list[bool]:
        """Store rows durably; for each, True if new, False if its key was stored before.

        A lost connection (the database restarted, say) is replaced and the batch
        tried once more: the insert is idempotent, at worst a row the lost attempt
        stored is then reported as a duplicate. Other failures (a lock timeout, a
        full disk) are not retried here: the webhook gets 503 and Zendesk retries.
        """
        for attempt in (1, 2):
            connection = self._driver()
            try:
                return self._insert(connection, rows)
            except self._integrity_error:
                raise  # a bug in what we insert, not an outage
            except self._driver_error as error:
                lost = self.engine.dialect.is_disconnect(error, connection, None)
                self.close()
                if not lost or attempt == 2:
                    raise StorageUnavailable(f"database unavailable: {error!r}") from error
                log.warning("intake connection lost (%r); retrying on a new one", error)
        raise AssertionError("not reached: the second attempt returns or raises")

    def close(self) -> None:
        """Drop the dedicated connection (the next insert opens a new one)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.invalidate()  # closes it; never handed back to the pool mid-use

    def _driver(self) -> Any:
        if self._connection is None:
            try:
                self._connection = self.engine.raw_connection()
            except DBAPIError as error:  # SQLAlchemy wraps the driver's connect failures
                raise StorageUnavailable(f"database unavailable: {error!r}") from error
            if self.engine.dialect.name == "postgresql":
                driver: Any = self._connection.driver_connection  # present while the proxy is open
                driver.autocommit = True
        return self._connection.driver_connection


def _sqlite_insert(table: Table, columns: tuple[str, ...], key: str) -> Insert:
    # SQLite's RETURNING keeps the write lock until the last row is fetched, one
    # GIL release per row; asking first which keys exist costs one read instead.
    # Reads never wait in WAL mode. Should a concurrent delivery of the same key
    # land between the two statements, it is still stored once (ON CONFLICT);
    # only its answer says "accepted" instead of "duplicate".
    existing = f"SELECT {key} FROM {table.name} WHERE {key} IN (SELECT value FROM json_each(?))"
    values = ", ".join(f"json_extract(value, '$.{name}')" for name in columns)
    insert = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {values} "
        f"FROM json_each(?) WHERE true ORDER BY key ON CONFLICT ({key}) DO NOTHING"
    )

    def run(connection: Any, rows: list[Row]) -> list[bool]:
        keys = [row[key] for row in rows]
        seen = {found for (found,) in connection.execute(existing, (json.dumps(keys),))}
        connection.execute(insert, (json.dumps(rows),))
        return _first_new(keys, lambda k: k not in seen)

    return run


def _postgres_insert(
    engine: Engine, table: Table, columns: tuple[str, ...], key: str, notify: Callable[[str], str] | None
) -> Insert:
    types = {name: table.c[name].type.compile(dialect=engine.dialect) for name in columns}
    values = ", ".join(f"(row->>'{name}')::{types[name]}" for name in columns)
    insert = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {values} "
        f"FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS batch(row, n) "
        f"ORDER BY n ON CONFLICT ({key}) DO NOTHING RETURNING {key}"
    )
    # The notification goes once (a subquery run on the first row stored, never if none was), with the count.
    told = f", (SELECT {notify('SELECT count(*) FROM stored')})" if notify else ""
    statement = f"WITH stored AS ({insert}) SELECT {key}{told} FROM stored"

    def run(connection: Any, rows: list[Row]) -> list[bool]:
        keys = [row[key] for row in rows]
        stored = {found for (found, *_) in connection.execute(statement, (json.dumps(rows),))}
        return _first_new(keys, lambda k: k in stored)

    return run


def _first_new(keys: list[str], is_new: Callable[[str], bool]) -> list[bool]:
    """A key twice in one batch (two concurrent deliveries): only the first is new."""
    results, taken = [], set()
    for k in keys:
        results.append(is_new(k) and k not in taken)
        taken.add(k)
    return results
