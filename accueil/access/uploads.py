"""The upload register as readers see it.

The register is the control database (SQLite), opened read-only here.  An upload is not
a read: a page submits it through accueil.ingest.web, which goes through the same door
as `accueil upload` (accueil.ingest.submit).
"""

from __future__ import annotations

import sqlite3

import pandas as pd

from accueil import control, publication
from accueil.access.policy import Viewer

_HISTORY_COLUMNS = [
    "upload_id",
    "quarter",
    "file_name",
    "received_at",
    "received_by",
    "status",
    "errors",
    "warnings",
    "decided_at",
    "loaded_at",
]


def upload_history(viewer: Viewer, agency: str) -> pd.DataFrame:
    """The agency's extract uploads, newest first, each with where it stands on its way to the
    published figures (accueil.publication); empty when nothing was ever uploaded."""
    viewer.check("agency", {"agency": agency})
    path = control.path()
    if not path.exists():
        return pd.DataFrame(columns=[*_HISTORY_COLUMNS, "state", "published_at", "build_error", "counts"])
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            f"select {', '.join(_HISTORY_COLUMNS)} from uploads where kind = 'extract' and agency_cd = ?"
            " order by upload_id desc",
            (agency,),
        ).fetchall()
    finally:
        con.close()
    history = pd.DataFrame(rows, columns=_HISTORY_COLUMNS)
    shown, build, running = publication.published(), publication.latest_build(), publication.build_running()
    history["state"] = [
        publication.upload_state(u, s, d, shown, build, running)
        for u, s, d in zip(history["upload_id"], history["status"], history["decided_at"], strict=True)
    ]
    history["published_at"] = [shown.at if state == "published" else None for state in history["state"]]
    history["build_error"] = [build.error if state == "failed" and build else None for state in history["state"]]
    history["counts"] = counting(history)
    return history


def counting(history: pd.DataFrame) -> list[str]:
    """Which upload counts for each quarter: "published" for the one in the published figures,
    "next" for the newest accepted one not published yet (the next build loads it instead:
    accueil.publication.unpublished takes the newest per agency and quarter), "no" for every other.

    history: upload_id, quarter, state (upload_history's)."""
    pending = {"waiting", "building", "failed"}
    newest = (
        history.loc[history["state"].isin(pending)].groupby("quarter")["upload_id"].max().to_dict()
        if not history.empty
        else {}
    )
    return [
        "published" if state == "published" else "next" if newest.get(quarter) == upload else "no"
        for upload, quarter, state in zip(history["upload_id"], history["quarter"], history["state"], strict=True)
    ]
