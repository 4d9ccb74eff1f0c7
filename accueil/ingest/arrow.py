"""A validated sheet as an Arrow table: its row numbers, then every column as text; and an Arrow
table copied into DuckDB.

Staging (Parquet) and the cross-sheet checks (DuckDB) both want the sheet this way;
going straight to Arrow skips pandas' type inference, which has nothing to add to text.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from accueil.ingest.columns import column_arrays


def text_table(frame: pd.DataFrame, row_column: str) -> pa.Table:
    columns = {row_column: pa.array(frame.index.to_numpy(dtype="int64"))}
    columns |= {c: pa.array(values, pa.string()) for c, values in column_arrays(frame).items()}
    return pa.table(columns)


def create_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, temporary: bool = False) -> None:
    """`name` made (or replaced) from `table` in one statement.  Not `executemany`, which DuckDB
    runs as one statement per row: each gives up Python's lock, and in a process with other busy
    threads (the dashboards' server, Dagster's run) taking it back can cost milliseconds a row
    (200 national extracts validated in one process: 72 s with it, 46 s without; in two worker
    processes, 33 s and 24 s)."""
    con.register("incoming_arrow", table)
    try:
        con.execute(f"create or replace {'temp ' if temporary else ''}table {name} as select * from incoming_arrow")
    finally:
        con.unregister("incoming_arrow")
