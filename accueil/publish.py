"""Publish the warehouse as a read-only snapshot for the dashboards and `accueil sql`.

DuckDB allows one writer and forbids readers while it writes, so readers never open
the pipeline's file: after a successful build the file is checkpointed, copied and
swapped into place with os.replace.  A reader that has the old snapshot open keeps
reading it; the next one gets the new one; a failed build never gets here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from accueil import config, control, filemodes


def publish(actor: str = "pipeline") -> Path:
    source = config.warehouse_path()
    with duckdb.connect(str(source)) as con:
        con.execute("checkpoint")
        loads = con.execute(
            "select kind, agency_cd, quarter, upload_id, sha256 from raw.loads order by kind, agency_cd, quarter"
        ).fetchall()
    target = config.published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    with duckdb.connect(str(partial)) as con:  # the copy must open cleanly before it replaces anything
        con.execute("select count(*) from raw.loads").fetchone()
    os.replace(partial, target)
    manifest = {"published_at": control.now(), "uploads": [list(r) for r in loads]}
    (target.parent / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    # New files are owner-only (umask 077): a group an admin shares the snapshot and the reports with
    # (ACCUEIL_SHARED_GROUP) gets them here, since each accepted upload ends in a publish.
    filemodes.tighten(target.parent)
    filemodes.tighten(config.reports_dir())
    with control.connect() as ctl:
        control.audit(ctl, actor, "published", str(target), uploads=len(loads))
    return target


def read_only() -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection to the published snapshot."""
    path = config.published_path()
    if not path.exists():
        raise FileNotFoundError("nothing is published yet: run `accueil build` first")
    return duckdb.connect(str(path), read_only=True)
