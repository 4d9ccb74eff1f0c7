"""An independent recomputation of open referrals and overdue follow-ups, from the extract files.

Written from docs/measures.md ("Open referrals and overdue follow-ups"), in plain pandas on the
files as python-calamine reads them (tests/raw_extracts), never the warehouse: the lists an
agency reads, the partnership's counts, and the counts' disclosure control.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.reference_measures import REFERRAL_STREAMS, SERVICE_DATES, _dated

ALL_AGENCIES = "ALL"


def data_end(sheets: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The last day of the latest quarter any extract reports."""
    latest = max(frame["quarter"].max() for frame in sheets.values() if len(frame))
    return pd.Period(latest, freq="Q").end_time.normalize()


def refused(sheets: dict[str, pd.DataFrame]) -> set[str]:
    """Clients whose consent_ind says No on any profile."""
    profile = sheets["Client Profile"]
    return set(profile.loc[profile["consent_ind"] == "No", "client_key"])


def open_referrals(sheets: dict[str, pd.DataFrame], end: pd.Timestamp, days: int) -> pd.DataFrame:
    """Referrals with no service in the referred stream at the receiving agency from the day after the
    referral to the end of the data, made at least `days` days before that end."""
    nar = sheets["Needs Assessment&Referrals"]
    referrals = nar[nar["referral_agency_cd"] != ""].assign(date=lambda f: pd.to_datetime(f["referral_dt"]))
    parts = []
    for stream, names in REFERRAL_STREAMS.items():
        for name in names:
            frame = sheets[name]
            parts.append(
                pd.DataFrame(
                    {
                        "client_key": frame["client_key"],
                        "to_agency": frame["agency"],
                        "stream": stream,
                        "svc": _dated(frame, SERVICE_DATES[name]),
                    }
                )
            )
    svc = pd.concat(parts, ignore_index=True)
    joined = referrals.reset_index().merge(
        svc,
        left_on=["client_key", "referral_agency_cd", "referral_stream_id"],
        right_on=["client_key", "to_agency", "stream"],
        how="left",
    )
    joined["answered"] = (joined["svc"] - joined["date"]).dt.days >= 1
    answered = joined.groupby("index")["answered"].any()
    referrals = referrals.assign(answered=answered.reindex(referrals.index).fillna(False).to_numpy())
    still = referrals[~referrals["answered"] & (referrals["date"] + pd.Timedelta(days=days) <= end)]
    return pd.DataFrame(
        {
            "agency": still["agency"],
            "quarter": still["quarter"],
            "record_id": still["record_id"].astype(str),
            "client_key": still["client_key"],
            "days_open": (end - still["date"]).dt.days.astype(int),
        }
    ).reset_index(drop=True)


def overdue_followups(sheets: dict[str, pd.DataFrame], end: pd.Timestamp) -> pd.DataFrame:
    """Clients 365 days or more past their first employment service with no follow-up recorded on or
    after it, at any agency; attributed to the agency of that first service."""
    employment = sheets["Employment"].assign(
        date=lambda f: _dated(f, ["intervention_start_dt", "short_term_service[1]entry_dt"])
    )
    first = employment.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    first = first[first["date"] + pd.Timedelta(days=365) <= end]
    followups = sheets["Outcome Follow-up"].assign(date=lambda f: pd.to_datetime(f["followup_dt"]))
    since = followups.merge(first[["client_key", "date"]], on="client_key", suffixes=("", "_first"))
    followed = set(since.loc[since["date"] >= since["date_first"], "client_key"])
    overdue = first[~first["client_key"].isin(followed)]
    return pd.DataFrame(
        {
            "agency": overdue["agency"],
            "quarter": overdue["quarter"],
            "record_id": overdue["record_id"].astype(str),
            "client_key": overdue["client_key"],
            "days_overdue": (end - (overdue["date"] + pd.Timedelta(days=365))).dt.days.astype(int),
        }
    ).reset_index(drop=True)


def counts(referrals: pd.DataFrame, overdue: pd.DataFrame, agencies: list[str], threshold: int = 10) -> pd.DataFrame:
    """(item, agency_code, items, suppressed): every agency and the region, every client counted.

    Suppressed: under the threshold (zero included); then, per item, while exactly one of its cells
    is suppressed, the smallest other one (an agency before the region, then by code) is too."""
    rows = []
    for item, frame in (("open_referral", referrals), ("overdue_followup", overdue)):
        per = frame.groupby("agency").size()
        cells = [(code, int(per.get(code, 0))) for code in agencies] + [(ALL_AGENCIES, len(frame))]
        hidden = np.array([n < threshold for _, n in cells])
        while hidden.sum() == 1:
            order = sorted(
                (i for i in range(len(cells)) if not hidden[i]),
                key=lambda i: (cells[i][0] == ALL_AGENCIES, cells[i][1], cells[i][0]),
            )
            hidden[order[0]] = True
        for (code, n), flag in zip(cells, hidden, strict=True):
            rows.append({"item": item, "agency_code": code, "items": n, "suppressed": bool(flag)})
    return pd.DataFrame(rows)
