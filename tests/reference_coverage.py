"""An independent recomputation of who each outcome could speak for (its eligible population), in
plain pandas, from docs/measures.md ("Who each rate covers"), never from the dbt models.

`eligible_records` gives one row per eligible unit (client or referral) with the agency and date
docs/measures.md attributes it to when the outcome does not count it; tests/reference_measures.py
adds those the outcome does not count to its cells' `eligible`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SKILLS = ("listening", "speaking", "reading", "writing")
WINDOW_OPENS = pd.Timedelta(days=183)


def _frame(outcome: str, keys, agencies, dates, units=None) -> pd.DataFrame:
    keys = pd.Series(keys).to_numpy()
    return pd.DataFrame(
        {
            "outcome": outcome,
            "client_key": keys,
            "agency": pd.Series(agencies).to_numpy(),
            "date": pd.Series(dates).to_numpy(),
            "unit": keys if units is None else pd.Series(units).to_numpy(),
        }
    )


def _language(sheets, clb) -> list[pd.DataFrame]:
    assessments = sheets["Language Assessment"].assign(date=lambda f: pd.to_datetime(f["assessment_dt"]))
    first = assessments.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    levels = {skill: first[f"{skill}_CLB_level_id"].map(clb).notna() for skill in SKILLS}
    out = [
        _frame(f"language_gain_{skill}", first.loc[has, "client_key"], first.loc[has, "agency"], first.loc[has, "date"])
        for skill, has in levels.items()
    ]
    any_level = np.logical_or.reduce([has.to_numpy() for has in levels.values()])
    out.append(
        _frame(
            "language_gain_any", first["client_key"][any_level], first["agency"][any_level], first["date"][any_level]
        )
    )
    exits = sheets["LT Client Exit"].assign(date=lambda f: pd.to_datetime(f["exit_course_dt"]))
    observations = pd.concat([assessments, exits], ignore_index=True)
    last = observations.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key", keep="last")
    out.append(_frame("clb4_speaking_listening", last["client_key"], last["agency"], last["date"]))
    return out


def _employment(sheets, data_end: pd.Timestamp, dated) -> list[pd.DataFrame]:
    employment = sheets["Employment"].assign(
        date=lambda f: dated(f, ["intervention_start_dt", "short_term_service[1]entry_dt"])
    )
    first = employment.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    opened = first[first["date"] + WINDOW_OPENS <= data_end]
    return [
        _frame(outcome, opened["client_key"], opened["agency"], opened["date"] + WINDOW_OPENS)
        for outcome in ("employment_at_followup", "employment_matching_training")
    ]


def _belonging(people: pd.DataFrame, data_end: pd.Timestamp) -> pd.DataFrame:
    served = people[people["first_date"] + WINDOW_OPENS <= data_end]
    return _frame("sense_of_belonging", served.index, served["first_agency"], served["first_date"] + WINDOW_OPENS)


def _referrals(sheets) -> pd.DataFrame:
    nar = sheets["Needs Assessment&Referrals"]
    referrals = nar[nar["referral_agency_cd"] != ""]
    internal = (referrals["referral_agency_cd"] == referrals["agency"]).to_numpy()
    return _frame(
        "referral_completion_90d",
        referrals["client_key"],
        referrals["agency"],
        pd.to_datetime(referrals["referral_dt"]),
        units=[
            f"{a}|{q}|{r}"
            for a, q, r in zip(referrals["agency"], referrals["quarter"], referrals["record_id"], strict=True)
        ],
    ).assign(outcome=np.where(internal, "internal_referral_completion_90d", "referral_completion_90d"))


def eligible_records(sheets, people: pd.DataFrame, data_end: pd.Timestamp, clb, dated) -> pd.DataFrame:
    """Every unit each outcome could speak for: (outcome, client_key, agency, date, unit)."""
    return pd.concat(
        [
            *_language(sheets, clb),
            *_employment(sheets, data_end, dated),
            _belonging(people, data_end),
            _referrals(sheets),
        ],
        ignore_index=True,
    )
