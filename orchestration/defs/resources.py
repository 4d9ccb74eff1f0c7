"""Where the pipeline keeps its state; the warehouse is opened by one writer at a time."""

from dagster_duckdb import DuckDBResource

from accueil import config


def warehouse_resource() -> DuckDBResource:
    return DuckDBResource(database=str(config.warehouse_path()))
