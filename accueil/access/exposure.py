"""Which warehouse relations an aggregate reader may query directly, from the dbt models' own metadata.

A marts model is readable by every role unless its YAML marks it client-level
(`config: meta: access: client_level`, or `meta:` at the model's top level) or
agency-scoped (`access: agency`: one agency's own figures, such as the completeness of
its extracts, which the pages read through named queries that take the agency), or
marked anything else (a misspelt marker keeps a model out, not in); a column marked
client-level is left out of an otherwise readable model.  Only models described
in YAML count, so a table that appears in the marts schema without a description stays
out of reach until someone has decided what it is.  raw, staging and intermediate are
never exposed this way (and are not in the published snapshot at all).

A model marked client-level is not published either (`client_level_models`): no page or
named query reads one, so the snapshot holds only what is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from accueil import config, yaml_files

CLIENT_LEVEL = "client_level"
AGENCY_SCOPED = "agency"
SCHEMA = "marts"


def marts_dir() -> Path:
    return config.REPO_ROOT / "warehouse" / "models" / SCHEMA


@dataclass(frozen=True)
class Exposure:
    tables: frozenset[str]  # marts tables an aggregate reader may query
    hidden_columns: dict[str, frozenset[str]]  # table -> client-level columns left out

    def columns(self, table: str, available: list[str]) -> list[str]:
        hidden = self.hidden_columns.get(table, frozenset())
        return [c for c in available if c not in hidden]


def _access(node: dict) -> str | None:
    meta = {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}
    return meta.get("access")


@cache
def _documents(models: Path) -> tuple[dict, ...]:
    """The marts' model files, read once per process for both lists below."""
    return tuple(yaml_files.load(path) or {} for path in sorted(models.glob("*.yml")))


@cache
def aggregate_exposure(models: Path | None = None) -> Exposure:
    tables, hidden = set(), {}
    for document in _documents(models or marts_dir()):
        for model in document.get("models") or []:
            if _access(model) is not None:  # client_level, agency, or a marker nobody knows
                continue
            tables.add(model["name"])
            columns = frozenset(c["name"] for c in model.get("columns") or [] if _access(c) == CLIENT_LEVEL)
            if columns:
                hidden[model["name"]] = columns
    return Exposure(frozenset(tables), hidden)


@cache
def client_level_models(models: Path | None = None) -> frozenset[str]:
    """The marts models whose YAML marks them client-level: built in the working warehouse, never published."""
    found = set()
    for document in _documents(models or marts_dir()):
        found.update(m["name"] for m in document.get("models") or [] if _access(m) == CLIENT_LEVEL)
    return frozenset(found)
