"""An accepted version-1 agency reference file in the shape of version 2, the one the warehouse holds.

Version 1 says where each site is but not what it offers: each of its sites is taken to offer
every stream of its agency's programs, in languages not stated (language_id blank), and its new
columns (latitude, longitude, remote service) are blank.
"""

from __future__ import annotations

import pandas as pd

from accueil.contract import Contract, agencies_contract


def as_current(contract: Contract, sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sheets of a file read as `contract`, in the shape of the current agency contract."""
    current = agencies_contract()
    if contract.version == current.version or not sheets:
        return sheets
    out = {}
    for sheet in current.sheets:
        frame = sheets.get(sheet.name)
        if frame is None:
            frame = _site_services(sheets["Sites"], sheets["Programs"]) if sheet.name == "Site services" else None
        if frame is None:
            raise ValueError(f"version {contract.version} has no sheet {sheet.name!r} and no rule to derive it")
        out[sheet.name] = frame.reindex(columns=list(sheet.column_names), fill_value="").astype(object)
    return out


def _site_services(sites: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    streams = programs[["agency_cd", "stream_id"]].drop_duplicates()
    offered = sites[["site_cd", "agency_cd"]].merge(streams, on="agency_cd").sort_values(["site_cd", "stream_id"])
    frame = offered[["site_cd", "stream_id"]].assign(language_id="")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame
