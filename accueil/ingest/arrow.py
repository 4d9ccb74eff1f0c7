"""A validated sheet as an Arrow table: its row numbers, then every column as text.

Staging (Parquet) and the cross-sheet checks (DuckDB) both want the sheet this way;
going straight to Arrow skips pandas' type inference, which has nothing to add to text.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from accueil.ingest.columns import column_arrays


def text_table(frame: pd.DataFrame, row_column: str) -> pa.Table:
    columns = {row_column: pa.array(frame.index.to_numpy(dtype="int64"))}
    columns |= {c: pa.array(values, pa.string()) for c, values in column_arrays(frame).items()}
    return pa.table(columns)
