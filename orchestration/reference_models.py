"""The dbt models that read no extract, and whether the next build may leave them as they are.

Of the project's models, about a third read only the partnership's reference data: the agency
reference file (agencies, sites, programs, funding), the council's indicator files, the client
feedback files and the seeds, never an extract (the code lists and the directory, the indicator
history, the survey results). A build after one more extract gives them the same inputs, so it
would rebuild and test them into the same tables: about a third of a small build's dbt work
(bench/findings.md).

A build leaves them out when their inputs are exactly those of the last build that passed: the
same dbt project (orchestration/dbt_project_state.py: the seeds and the project's vars), the
same vars passed on the command line, and the same rows in every source table they read, by a
digest of the tables' contents taken at the start of the build. The record is a table in the
warehouse, taken away as a build that rebuilds them starts and written again only when it
passes: a build that fails leaves no record, and the next rebuilds them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import dagster as dg
import duckdb

from accueil import config
from accueil.contract import extract_contract
from orchestration.dbt_project_state import recorded_digest

_TABLE = "main.dbt_built_reference_inputs"

# Written by every load of an extract: the extract tables, and the register of loads.
EXTRACT_SOURCES = frozenset(
    [dg.AssetKey(["raw", sheet.table]) for sheet in extract_contract().sheets] + [dg.AssetKey(["raw", "loads"])]
)


def reference_only(deps: Mapping[dg.AssetKey, Iterable[dg.AssetKey]]) -> set[dg.AssetKey]:
    """The models (keys of `deps`: each model's direct upstream keys) that reach no extract
    source, however far up."""
    reaches: dict[dg.AssetKey, bool] = {}

    def reaches_extract(key: dg.AssetKey) -> bool:
        if key not in reaches:
            reaches[key] = key in EXTRACT_SOURCES or any(reaches_extract(up) for up in deps.get(key, ()))
        return reaches[key]

    return {key for key in deps if not reaches_extract(key)}


def source_tables(
    models: set[dg.AssetKey], deps: Mapping[dg.AssetKey, Iterable[dg.AssetKey]], manifest: Path
) -> list[str]:
    """The tables of the dbt sources that `models` read (`"raw"."sites"`), in the warehouse's own
    catalog whatever its file is called."""
    sources = {
        (s["source_name"], s["name"]): f'"{s["schema"]}"."{s["identifier"]}"'
        for s in json.loads(manifest.read_text(encoding="utf-8"))["sources"].values()
    }
    found, seen, todo = set(), set(), list(models)
    while todo:
        key = todo.pop()
        for up in deps.get(key, ()):
            if up in deps and up not in seen:  # a model or seed: its own inputs count
                seen.add(up)
                todo.append(up)
            elif tuple(up.path) in sources:
                found.add(sources[tuple(up.path)])
            elif up not in deps:  # an input this digest would not see: they could never be left out safely
                raise ValueError(f"{key.to_user_string()} reads {up.to_user_string()}, neither a dbt node nor a source")
    return sorted(found)


def inputs_digest(tables: list[str], project_digest: str, cli_vars: list[str]) -> str:
    """A digest of everything the reference-only models are built from. A table not there yet
    (no indicator file loaded, say) counts as absent."""
    digest = hashlib.sha256(json.dumps([project_digest, cli_vars]).encode())
    if not config.warehouse_path().exists():  # a first build: nothing recorded to compare with
        return digest.hexdigest()
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        for table in tables:
            try:
                # Each row's hash, summed: the same rows in any order give the same figure.
                rows, total = con.execute(f"select count(*), sum(hash(t)::hugeint) from {table} as t").fetchone()
            except duckdb.CatalogException:
                rows, total = None, None
            digest.update(f"{table}\0{rows}\0{total}\0".encode())
    return digest.hexdigest()


def recorded() -> str | None:
    """The inputs digest of the last build that rebuilt the reference-only models and passed."""
    return recorded_digest(_TABLE)


def _write(digest: str | None) -> None:
    with duckdb.connect(str(config.warehouse_path())) as con:
        con.execute(f"create table if not exists {_TABLE} (digest varchar not null)")
        con.execute(f"delete from {_TABLE}")
        if digest is not None:
            con.execute(f"insert into {_TABLE} values (?)", [digest])


def forget() -> None:
    """As a build that rebuilds them starts: until it passes, nothing says what they were built from."""
    if config.warehouse_path().exists():
        _write(None)


def record(digest: str) -> None:
    """After a build whose models and tests all passed."""
    _write(digest)
