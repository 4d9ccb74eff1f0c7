"""Where Accueil keeps its state: everything lives under ACCUEIL_HOME (default ./data)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def home() -> Path:
    return Path(os.environ.get("ACCUEIL_HOME", "data")).resolve()


def sample_dir() -> Path:
    return home() / "sample"


def backdate_days() -> int:
    """How many days before the quarter an extract's records may be dated (late reporting)."""
    return int(os.environ.get("ACCUEIL_BACKDATE_DAYS", "0"))


# DuckDB's own default is 80% of the machine's memory: the warehouse is held to this instead
# (it spills to disk beyond it), so a national build fits beside the rest on an 8 GB budget.
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"


def duckdb_memory_limit() -> str:
    """The memory DuckDB may use when it writes the warehouse (`accueil build`, dbt)."""
    return os.environ.get("ACCUEIL_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT)


def raw_dir() -> Path:
    return home() / "raw"


def reports_dir() -> Path:
    return home() / "reports"


def accepted_dir() -> Path:
    return home() / "accepted"


def inbox_dir() -> Path:
    return home() / "inbox"


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def published_path() -> Path:
    return home() / "published" / "warehouse.duckdb"


def max_failed_signins() -> int:
    """Consecutive wrong passwords after which an account is locked until an admin unlocks it."""
    value = int(os.environ.get("ACCUEIL_MAX_FAILED_SIGNINS", "5"))
    if value < 1:
        raise ValueError("ACCUEIL_MAX_FAILED_SIGNINS must be at least 1")
    return value


def session_minutes() -> int:
    """How long a sign-in lasts before the user must sign in again."""
    value = int(os.environ.get("ACCUEIL_SESSION_MINUTES", "60"))
    if value < 1:
        raise ValueError("ACCUEIL_SESSION_MINUTES must be at least 1")
    return value
