"""Where Accueil keeps its state: everything lives under ACCUEIL_HOME (default ./data)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def home() -> Path:
    return Path(os.environ.get("ACCUEIL_HOME", "data")).resolve()


def sample_dir() -> Path:
    return home() / "sample"
