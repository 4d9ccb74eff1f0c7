"""Dagster's SQLite event log, with its connections kept open between events.

Dagster's own SQLite event log makes a new SQLAlchemy engine, opens the file and closes it
again for every event it stores, twice for an asset's (the run's file, then the index of
every run). A build stores about 320 events (each dbt model's materialization, its plan and
output), and that opening and closing was most of their cost: 3.3 s of a small build's 21 s,
against 1.1 s with the engines kept (bench/findings.md). The rows and files are Dagster's own,
so a home goes back and forth between this and Dagster's class without a migration.

A subclass, not a copy: only the connection is changed; every query is Dagster's. The last
few run files are kept open, not every one a long-running process (the daemon, the web
server) has read. Without ACCUEIL_DAGSTER_POSTGRES_URL, orchestration/instance.py names this
class in the home's dagster.yaml. Whoever makes an instance closes it when done (a `with`
block; `accueil build` does, as Dagster's run workers do): closing takes each write-ahead log
back into its file.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

# The index of every run, and the files of the runs being written or read now.
OPEN_FILES = 4
# A kept connection keeps its file's write-ahead log until it closes, and the log holds every
# version of the pages written since the last checkpoint: checkpointed every 100 pages and cut
# back to 512 kB, it stays small on a disk that fills during a build (Dagster's class closed the
# file after every event, which checkpointed it each time).
WAL_PRAGMAS = ("PRAGMA wal_autocheckpoint=100", "PRAGMA journal_size_limit=524288")


def _small_wal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in WAL_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, str]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made once; the least recently used is closed beyond OPEN_FILES."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
            )
            event.listen(engine, "connect", _small_wal)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_FILES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # As Dagster's own: one connection at a time per storage, in a transaction.
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # before Dagster deletes the run files they have open
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
