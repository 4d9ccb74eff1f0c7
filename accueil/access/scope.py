"""A funder bound to its grants: every answer it gets covers those agencies and the region totals only.

A marts row names its agencies in `agency_code` (`ALL` on the region totals) and, for referral
flows, in `from_code` and `to_code`; a row is in a funder's scope when every agency it names is
one the funder funds or the region.  So a referral flow from a funded agency to another agency is
out of scope: it would tell the funder about the other one.  The rule is applied in the one read
door: to every named query's answer (accueil.access.reader), after the viewer's parameters were
checked (accueil.access.policy: no other agency by name), and to the copies of the marts an
`accueil sql --user` query runs on (accueil.access.adhoc), before the query ever runs.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from accueil.access.policy import REGION, Viewer
from accueil.sql_text import identifier

AGENCY_COLUMNS = ("agency_code", "from_code", "to_code")


def scoped_frame(viewer: Viewer, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` in the viewer's scope (all of them for anyone not bound to agencies)."""
    if viewer.funds is None:
        return frame
    allowed = {*viewer.funds, REGION}
    keep = pd.Series(True, index=frame.index)
    for column in AGENCY_COLUMNS:
        if column in frame.columns:
            keep &= frame[column].isin(allowed)
    return frame.loc[keep].reset_index(drop=True)


def scope_table(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str], viewer: Viewer) -> int:
    """Delete the rows of a copied table outside the viewer's scope; how many went."""
    if viewer.funds is None:
        return 0
    named = [c for c in AGENCY_COLUMNS if c in columns]
    if not named:
        return 0
    allowed = sorted({*viewer.funds, REGION})
    outside = " or ".join(f"{identifier(c)} is null or not list_contains($allowed, {identifier(c)})" for c in named)
    (gone,) = con.execute(f"select count(*) from {relation} where {outside}", {"allowed": allowed}).fetchone()
    con.execute(f"delete from {relation} where {outside}", {"allowed": allowed})
    return int(gone)
