"""An independent recomputation of every outcome rate, from the extract files, in plain pandas.

Written from docs/measures.md, not from the dbt models: the tests compare the two
and they must agree exactly.  Reads the files with python-calamine (tests/raw_extracts),
never the warehouse.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from tests.raw_extracts import read_region, read_workbook
from tests.reference_adjusted import adjusted_rate, weighting_cells
from tests.reference_coverage import eligible_records

Z = 1.96
WHOLE_GROUP_THRESHOLD = 20
MEDIAN_INTERVAL_MINIMUM = 20
ALL = "all"
ALL_AGENCIES = "ALL"
REFUGEES = {"Government-assisted refugee", "Privately sponsored refugee", "Protected person"}
EMPLOYED = {"Employed full time - 30 hours or more", "Employed part time - less than 30 hours", "Self-employed"}
LITERACY = {"Lit - Foundation L": -4, "Lit - 1L": -3, "Lit - 2L": -2, "Lit - 3L": -1, "Lit - 4L": 0}
SKILLS = ("listening", "speaking", "reading", "writing")
GENDER = {
    "Woman": "woman",
    "Man": "man",
    "Another gender": "another_gender",
    "Prefer not to answer": "prefer_not_to_answer",
}
CATEGORY = {
    "Economic immigrant": "economic",
    "Family class": "family",
    "Government-assisted refugee": "gar",
    "Privately sponsored refugee": "psr",
    "Protected person": "protected_person",
    "Other permanent resident": "other_pr",
    "Eligible temporary resident": "temporary_resident",
}
LANGUAGE = {"English": "english", "French": "french", "Unknown/No preference": "unknown_no_preference"}
SIZE = {"Urban": "urban", "Small centre": "small_centre", "Rural": "rural"}
PARTITIONING = (
    "gender",
    "age_band",
    "immigration_category",
    "official_language",
    "community_size",
    "gender_x_immigration_category",
)

SERVICE_DATES = {
    "Needs Assessment&Referrals": ["assessment_start_dt"],
    "Info&Orien": ["start_dttm"],
    "Employment": ["intervention_start_dt", "short_term_service[1]entry_dt"],
    "Community Connections": ["service_start_dt"],
    "LT Client Enrol": ["first_class_dt"],
    "LT Client Exit": ["exit_course_dt"],
    "Language Assessment": ["assessment_dt"],
}
REFERRAL_STREAMS = {
    "Needs assessment and referrals": ["Needs Assessment&Referrals"],
    "Information and orientation": ["Info&Orien"],
    "Language assessment": ["Language Assessment"],
    "Language training": ["Language Assessment", "LT Client Enrol", "LT Client Exit"],
    "Employment-related services": ["Employment"],
    "Community connections": ["Community Connections"],
}


def clb(value: str) -> float:
    if value in LITERACY:
        return LITERACY[value]
    return float(value) if str(value).isdigit() else np.nan


def quarter_of(dates: pd.Series) -> pd.Series:
    return pd.PeriodIndex(dates, freq="Q").astype(str).to_series(index=dates.index)


def _dated(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    values = frame[columns].replace("", np.nan).bfill(axis=1).iloc[:, 0]
    return pd.to_datetime(values)


def services(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every service event: client, agency, date, FSA and sheet."""
    parts = []
    for sheet, columns in SERVICE_DATES.items():
        frame = sheets[sheet]
        parts.append(
            pd.DataFrame(
                {
                    "client_key": frame["client_key"],
                    "agency": frame["agency"],
                    "date": _dated(frame, columns),
                    "fsa": frame["postal_fsa"],
                    "sheet": sheet,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def clients(sheets: dict[str, pd.DataFrame], sites: pd.DataFrame) -> pd.DataFrame:
    profile = sheets["Client Profile"].sort_values(["quarter", "agency"]).drop_duplicates("client_key", keep="last")
    profile = profile.set_index("client_key")
    events = services(sheets).sort_values(["date", "agency"]).drop_duplicates("client_key")
    events = events.set_index("client_key")
    sites = sites.sort_values("site_cd")
    size = sites.assign(size=sites["community_size_id"].map(SIZE)).set_index(["agency_cd", "site_fsa"])["size"]
    size = size[~size.index.duplicated()]
    out = pd.DataFrame(index=profile.index)
    out["gender"] = profile["gender_id"].map(GENDER)
    out["immigration_category"] = profile["immigration_category_id"].map(CATEGORY)
    out["official_language"] = profile["official_language_id"].map(LANGUAGE)
    out["first_date"] = events["date"]
    out["first_agency"] = events["agency"]
    keys = list(zip(events["agency"], events["fsa"], strict=True))
    out["community_size"] = pd.Series(size.reindex(keys).to_numpy(), index=events.index).fillna("unknown")
    age = out["first_date"].dt.year - profile["client_birth_year"].astype(int)
    out["age_band"] = pd.cut(age, [-1, 14, 24, 64, 200], labels=["0-14", "15-24", "25-64", "65+"]).astype(str)
    out["arrival"] = pd.to_datetime(profile["arrival_dt"])
    groups = {
        "women": out["gender"] == "woman",
        "youth": out["age_band"] == "15-24",
        "seniors": out["age_band"] == "65+",
        "refugees": profile["immigration_category_id"].isin(REFUGEES),
        "francophones": out["official_language"] == "french",
        "lgbtq2": profile["lgbtq2_ind"] == "Yes",
        "disability": profile["disability_ind"] == "Yes",
    }
    out["target_groups"] = [tuple(g for g, flag in groups.items() if flag[k]) for k in out.index]
    return out


# ---- outcome records: one per unit (client or referral), with its agency and quarter -----------------------


def language_records(sheets) -> pd.DataFrame:
    first = sheets["Language Assessment"].assign(date=lambda f: pd.to_datetime(f["assessment_dt"]))
    first = first.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    later = pd.concat(
        [
            sheets["Language Assessment"].assign(date=lambda f: pd.to_datetime(f["assessment_dt"])),
            sheets["LT Client Exit"].assign(date=lambda f: pd.to_datetime(f["exit_course_dt"])),
        ],
        ignore_index=True,
    )
    pairs = first.merge(later, on="client_key", suffixes=("_0", "_1"))
    pairs = pairs[(pairs["date_1"] - pairs["date_0"]).dt.days >= 90]
    pairs = pairs.sort_values(["date_1", "agency_1", "record_id_1"]).drop_duplicates("client_key", keep="last")
    records = []
    comparable_any = np.zeros(len(pairs), dtype=bool)
    gained_any = np.zeros(len(pairs), dtype=bool)
    for skill in SKILLS:
        before = pairs[f"{skill}_CLB_level_id_0"].map(clb).to_numpy()
        after = pairs[f"{skill}_CLB_level_id_1"].map(clb).to_numpy()
        comparable = ~np.isnan(before) & ~np.isnan(after)
        gained = comparable & (after > before)
        comparable_any |= comparable
        gained_any |= gained
        records.append(
            pd.DataFrame(
                {
                    "outcome": f"language_gain_{skill}",
                    "client_key": pairs["client_key"],
                    "agency": pairs["agency_1"],
                    "date": pairs["date_1"],
                    "hit": gained,
                }
            )[comparable]
        )
    records.append(
        pd.DataFrame(
            {
                "outcome": "language_gain_any",
                "client_key": pairs["client_key"],
                "agency": pairs["agency_1"],
                "date": pairs["date_1"],
                "hit": gained_any,
            }
        )[comparable_any]
    )
    last = later.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key", keep="last")
    speaking, listening = last["speaking_CLB_level_id"].map(clb), last["listening_CLB_level_id"].map(clb)
    both = speaking.notna() & listening.notna() & (speaking >= 1) & (listening >= 1)
    records.append(
        pd.DataFrame(
            {
                "outcome": "clb4_speaking_listening",
                "client_key": last["client_key"],
                "agency": last["agency"],
                "date": last["date"],
                "hit": (speaking >= 4) & (listening >= 4),
            }
        )[both]
    )
    return pd.concat(records, ignore_index=True)


def employment_records(sheets) -> pd.DataFrame:
    employment = sheets["Employment"].assign(
        date=lambda f: _dated(f, ["intervention_start_dt", "short_term_service[1]entry_dt"])
    )
    first = (
        employment.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key").set_index("client_key")
    )
    followups = sheets["Outcome Follow-up"].assign(date=lambda f: pd.to_datetime(f["followup_dt"]))
    followups = followups[followups["client_key"].isin(first.index)]
    days = (followups["date"] - first.loc[followups["client_key"], "date"].to_numpy()).dt.days
    window = followups[(days >= 183) & (days <= 365)]
    window = window.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    agency = first.loc[window["client_key"], "agency"].to_numpy()
    employed = window["employment_status_id"].isin(EMPLOYED)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "outcome": "employment_at_followup",
                    "client_key": window["client_key"],
                    "agency": agency,
                    "date": window["date"],
                    "hit": employed,
                }
            ),
            pd.DataFrame(
                {
                    "outcome": "employment_matching_training",
                    "client_key": window["client_key"],
                    "agency": agency,
                    "date": window["date"],
                    "hit": employed & (window["job_matches_training_id"] == "Yes"),
                }
            ),
        ],
        ignore_index=True,
    )


def belonging_records(sheets) -> pd.DataFrame:
    followups = sheets["Outcome Follow-up"].assign(date=lambda f: pd.to_datetime(f["followup_dt"]))
    answered = followups[~followups["sense_of_belonging_id"].isin(["", "Don't know / no answer"])]
    answered = answered.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key")
    return pd.DataFrame(
        {
            "outcome": "sense_of_belonging",
            "client_key": answered["client_key"],
            "agency": answered["agency"],
            "date": answered["date"],
            "hit": answered["sense_of_belonging_id"].isin(["Very strong", "Somewhat strong"]),
        }
    )


def referral_records(sheets, data_end: pd.Timestamp) -> pd.DataFrame:
    nar = sheets["Needs Assessment&Referrals"]
    referrals = nar[nar["referral_agency_cd"] != ""].assign(date=lambda f: pd.to_datetime(f["referral_dt"]))
    referrals = referrals.assign(record_id=referrals["quarter"] + "|" + referrals["record_id"].astype(str))
    referrals = referrals[referrals["date"] + pd.Timedelta(days=90) <= data_end]
    stream_services = []
    for stream, names in REFERRAL_STREAMS.items():
        for name in names:
            frame = sheets[name]
            stream_services.append(
                pd.DataFrame(
                    {
                        "client_key": frame["client_key"],
                        "to_agency": frame["agency"],
                        "stream": stream,
                        "svc": _dated(frame, SERVICE_DATES[name]),
                    }
                )
            )
    svc = pd.concat(stream_services, ignore_index=True)
    joined = referrals[["record_id", "agency", "client_key", "referral_agency_cd", "referral_stream_id", "date"]].merge(
        svc,
        left_on=["client_key", "referral_agency_cd", "referral_stream_id"],
        right_on=["client_key", "to_agency", "stream"],
        how="left",
    )
    gap = (joined["svc"] - joined["date"]).dt.days
    joined["done"] = (gap >= 1) & (gap <= 90)
    done = joined.groupby(["agency", "record_id"])["done"].any()
    referrals = referrals.set_index(["agency", "record_id"])
    internal = referrals["referral_agency_cd"].to_numpy() == referrals.index.get_level_values(0).to_numpy()
    return pd.DataFrame(
        {
            # docs/measures.md: referrals to another agency, and apart those an agency made to itself
            "outcome": np.where(internal, "internal_referral_completion_90d", "referral_completion_90d"),
            "client_key": referrals["client_key"],
            "agency": referrals.index.get_level_values(0),
            "date": referrals["date"],
            "hit": done.reindex(referrals.index).to_numpy(),
            "unit": [f"{a}|{r}" for a, r in referrals.index],
        }
    ).reset_index(drop=True)


# ---- needs met, client voice, French-language service (docs/measures.md, "Needs met") ---------------------

# The needs of the Needs Assessment&Referrals sheet: need -> (need column, referral column, sheets of the
# streams that serve it, as the table of docs/measures.md says; none: met only by a referral).
IO, EMP, CC = ["Info&Orien"], ["Employment"], ["Community Connections"]
LANGUAGE_SHEETS = ["LT Client Enrol", "LT Client Exit", "Language Assessment"]
NEEDS = {
    "life_in_canada": ("knwl_life_needs_ind", "knwl_life_referrals_ind", IO),
    "community_government_services": ("knwl_comm_gov_svcs_needs_ind", "knwl_comm_gov_svcs_referrals_ind", IO),
    "working_in_canada": ("knwl_working_needs_ind", "knwl_working_referrals_ind", EMP + IO),
    "education_in_canada": ("knwl_education_needs_ind", "knwl_education_needs_referrals_ind", IO),
    "social_networks": ("social_networks_needs_ind", "social_networks_referrals_ind", CC),
    "professional_networks": ("professional_networks_needs_ind", "professional_networks_referrals_ind", EMP + CC),
    "local_community_services": ("local_community_svcs_needs_ind", "local_community_svcs_referrals_ind", IO + CC),
    "community_involvement": ("community_involvement_needs_ind", "community_involvement_referrals_ind", CC),
    "language": ("language_skills_needs_ind", "language_skills_referrals_ind", LANGUAGE_SHEETS),
    "employment": ("find_employment_needs_ind", "find_employment_referrals_ind", EMP),
    "housing": ("housing_accommodation_needs_ind", "housing_accommodation_referrals_ind", []),
    "health": ("hlth_mental_wellness_needs_ind", "hlth_mental_wellness_refs_ind", []),
    "food_clothing": ("food_cloth_material_needs_ind", "food_cloth_material_refs_ind", []),
    "financial": ("financial_needs_ind", "financial_referrals_ind", []),
    "family_support": ("family_support_needs_ind", "family_support_referrals_ind", []),
    "legal": ("legal_info_services_needs_ind", "legal_info_services_referrals_ind", []),
}
NEED_WINDOW_DAYS = 180
# The services that record a language of service: sheet -> (column, stream).
SERVICE_LANGUAGE = {
    "Needs Assessment&Referrals": ("assessment_language_id", "needs_assessment"),
    "Info&Orien": ("service_language_id", "information_orientation"),
    "Employment": ("session_service_lang_id", "employment"),
    "Community Connections": ("service_lang_id", "community_connections"),
}


def needs_named(sheets, data_end: pd.Timestamp) -> pd.DataFrame:
    """One row per need a client named, at the first assessment naming it, with whether it was met."""
    nar = sheets["Needs Assessment&Referrals"].assign(date=lambda f: pd.to_datetime(f["assessment_start_dt"]))
    rows = []
    for need, (need_column, referral_column, stream_sheets) in NEEDS.items():
        named = nar[nar[need_column] == "Yes"].sort_values(["date", "agency", "record_id"])
        named = named.drop_duplicates("client_key")[["client_key", "agency", "record_id", "date", "postal_fsa"]]
        named = named.rename(columns={"postal_fsa": "fsa"})
        if stream_sheets:
            later = pd.concat(
                [
                    pd.DataFrame({"client_key": sheets[n]["client_key"], "when": _dated(sheets[n], SERVICE_DATES[n])})
                    for n in stream_sheets
                ],
                ignore_index=True,
            )
        else:
            referred = nar[nar[referral_column] == "Yes"]
            later = pd.DataFrame({"client_key": referred["client_key"], "when": referred["date"]})
        joined = named.merge(later, on="client_key", how="left")
        gap = (joined["when"] - joined["date"]).dt.days
        joined["met"] = (gap >= 0) & (gap <= NEED_WINDOW_DAYS)
        met = joined.groupby("client_key")["met"].any()
        named = named.assign(need=need, met=met.reindex(named["client_key"]).to_numpy())
        rows.append(named[named["date"] + pd.Timedelta(days=NEED_WINDOW_DAYS) <= data_end])
    return pd.concat(rows, ignore_index=True)


def needs_records(sheets, data_end: pd.Timestamp) -> pd.DataFrame:
    named = needs_named(sheets, data_end)
    per_need = pd.DataFrame(
        {
            "outcome": "needs_met_" + named["need"],
            "client_key": named["client_key"],
            "agency": named["agency"],
            "date": named["date"],
            "hit": named["met"].astype(bool),
        }
    )
    each = per_need.assign(outcome="needs_met", unit=named["client_key"] + "|" + named["need"])
    first = named.sort_values(["date", "agency", "record_id", "need"]).drop_duplicates("client_key")
    everything = named.groupby("client_key")["met"].all()
    clients_all = pd.DataFrame(
        {
            "outcome": "needs_all_met",
            "client_key": first["client_key"],
            "agency": first["agency"],
            "date": first["date"],
            "hit": everything.reindex(first["client_key"]).to_numpy().astype(bool),
        }
    )
    return pd.concat(
        [each, per_need.assign(unit=per_need["client_key"]), clients_all.assign(unit=clients_all["client_key"])],
        ignore_index=True,
    )


def voice_records(sheets) -> pd.DataFrame:
    followups = sheets["Outcome Follow-up"].assign(date=lambda f: pd.to_datetime(f["followup_dt"]))
    questions = {
        "satisfied_with_services": ("satisfaction_id", {"Very satisfied", "Satisfied"}),
        "would_recommend": ("would_recommend_ind", {"Yes"}),
        "has_people_to_turn_to": ("has_people_to_turn_to_ind", {"Yes"}),
    }
    rows = []
    for outcome, (column, yes) in questions.items():
        answered = followups[followups[column] != ""].sort_values(["date", "agency", "record_id"])
        answered = answered.drop_duplicates("client_key")
        rows.append(
            pd.DataFrame(
                {
                    "outcome": outcome,
                    "client_key": answered["client_key"],
                    "agency": answered["agency"],
                    "date": answered["date"],
                    "hit": answered[column].isin(yes),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def french_records(sheets, people: pd.DataFrame) -> pd.DataFrame:
    francophones = set(people.index[people["official_language"] == "french"])
    parts = []
    for sheet, (column, stream) in SERVICE_LANGUAGE.items():
        frame = sheets[sheet]
        parts.append(
            pd.DataFrame(
                {
                    "client_key": frame["client_key"],
                    "agency": frame["agency"],
                    "record_id": frame["record_id"].astype(str),
                    "date": _dated(frame, SERVICE_DATES[sheet]),
                    "stream": stream,
                    "french": frame[column] == "French",
                    "recorded": frame[column] != "",
                }
            )
        )
    events = pd.concat(parts, ignore_index=True)
    events = events[events["recorded"] & events["date"].notna() & events["client_key"].isin(francophones)]
    rows = []
    for outcome, keys in (("served_in_french", ["client_key"]), (None, ["client_key", "stream"])):
        ordered = events.sort_values(["date", "agency", "stream", "record_id"])
        first = ordered.drop_duplicates(keys).set_index(keys)
        every = events.groupby(keys)["french"].all()
        rows.append(
            pd.DataFrame(
                {
                    "outcome": outcome or ("served_in_french_" + first.index.get_level_values("stream")),
                    "client_key": first.index.get_level_values("client_key"),
                    "agency": first["agency"].to_numpy(),
                    "date": first["date"].to_numpy(),
                    "hit": every.reindex(first.index).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


# The breakdowns docs/measures.md gives the outcomes that do not have all eight.
LIMITED_BREAKDOWNS = {
    "needs_met_": {ALL, "community_size"},
    "served_in_french_": {ALL},
}


def _catalogued(rows: pd.DataFrame) -> pd.DataFrame:
    keep = np.ones(len(rows), dtype=bool)
    for prefix, breakdowns in LIMITED_BREAKDOWNS.items():
        keep &= ~(rows["outcome"].str.startswith(prefix) & ~rows["breakdown"].isin(breakdowns))
    # served_in_french counts only francophones: no official-language breakdown
    keep &= ~((rows["outcome"] == "served_in_french") & (rows["breakdown"] == "official_language"))
    return rows[keep]


# ---- aggregation ---------------------------------------------------------------------------------------------


def _wilson(x: float, n: float) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _expand(records: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """One row per record × breakdown it falls in (a client is in every target group they belong to)."""
    attrs = people.reindex(records["client_key"])
    base = records.reset_index(drop=True)
    out = [base.assign(breakdown=ALL, breakdown_value=ALL)]
    for column in ("gender", "age_band", "immigration_category", "official_language", "community_size"):
        out.append(base.assign(breakdown=column, breakdown_value=attrs[column].to_numpy()))
    out.append(
        base.assign(
            breakdown="gender_x_immigration_category",
            breakdown_value=(attrs["gender"] + "|" + attrs["immigration_category"]).to_numpy(),
        )
    )
    groups = base.assign(breakdown="target_group", breakdown_value=attrs["target_groups"].to_numpy())
    out.append(groups.explode("breakdown_value").dropna(subset=["breakdown_value"]))
    return pd.concat(out, ignore_index=True)


def rate_rows(records: pd.DataFrame, people: pd.DataFrame, eligible: pd.DataFrame) -> pd.DataFrame:
    """Cells of the counted records, with `eligible`: the records plus the eligible units they do not count."""
    if "unit" not in records:
        records = records.assign(unit=records["client_key"])
    eligible = eligible[eligible["outcome"].isin(set(records["outcome"]))]
    counted = set(zip(records["outcome"], records["unit"], strict=True))
    uncovered = eligible[[k not in counted for k in zip(eligible["outcome"], eligible["unit"], strict=True)]]
    records = pd.concat(
        [records.assign(counted=records["unit"]), uncovered.assign(hit=False, counted=None)], ignore_index=True
    )
    records = records.assign(period=quarter_of(records["date"]))
    long = _expand(records, people)
    rows = []
    for period_all in (False, True):
        for agency_all in (False, True):
            frame = long.assign(
                period=ALL if period_all else long["period"], agency=ALL_AGENCIES if agency_all else long["agency"]
            )
            grouped = frame.groupby(["outcome", "period", "agency", "breakdown", "breakdown_value"])
            rows.append(
                grouped.agg(
                    numerator=("hit", "sum"), denominator=("counted", "nunique"), eligible=("unit", "nunique")
                ).reset_index()
            )
    out = pd.concat(rows, ignore_index=True)
    out = out[out["denominator"] > 0].reset_index(drop=True)  # a cell exists where someone is counted
    out["numerator"] = out["numerator"].astype(int)
    out["rate"] = out["numerator"] / out["denominator"]
    ci = [_wilson(x, n) for x, n in zip(out["numerator"], out["denominator"], strict=True)]
    out["ci_low"] = [c[0] for c in ci]
    out["ci_high"] = [c[1] for c in ci]
    out["unit"] = "proportion"
    return out


def participation_rows(sheets, people: pd.DataFrame) -> pd.DataFrame:
    events = services(sheets)
    events["period"] = quarter_of(events["date"])
    events["cc"] = events["sheet"] == "Community Connections"
    rows = []
    for period_all in (False, True):
        for agency_all in (False, True):
            frame = events.assign(
                period=ALL if period_all else events["period"], agency=ALL_AGENCIES if agency_all else events["agency"]
            )
            per_client = frame.groupby(["period", "agency", "client_key"])["cc"].any().reset_index()
            per_client = per_client.rename(columns={"cc": "hit"}).assign(
                outcome="community_participation", unit=lambda f: f["client_key"]
            )
            long = _expand(per_client, people)
            grouped = long.groupby(["outcome", "period", "agency", "breakdown", "breakdown_value"])
            rows.append(grouped.agg(numerator=("hit", "sum"), denominator=("unit", "nunique")).reset_index())
    out = pd.concat(rows, ignore_index=True)
    out["numerator"] = out["numerator"].astype(int)
    out["rate"] = out["numerator"] / out["denominator"]
    ci = [_wilson(x, n) for x, n in zip(out["numerator"], out["denominator"], strict=True)]
    out["ci_low"], out["ci_high"] = [c[0] for c in ci], [c[1] for c in ci]
    out["unit"] = "proportion"
    out["eligible"] = out["denominator"]  # every client served could take part
    return out


def median_rows(people: pd.DataFrame) -> pd.DataFrame:
    records = pd.DataFrame(
        {
            "outcome": "days_arrival_to_first_service",
            "client_key": people.index,
            "agency": people["first_agency"].to_numpy(),
            "date": people["first_date"].to_numpy(),
            "days": (people["first_date"] - people["arrival"]).dt.days.to_numpy(),
        }
    )
    records["period"] = quarter_of(records["date"])
    records["unit"] = records["client_key"]
    long = _expand(records, people)
    rows = []
    for period_all in (False, True):
        for agency_all in (False, True):
            frame = long.assign(
                period=ALL if period_all else long["period"], agency=ALL_AGENCIES if agency_all else long["agency"]
            )
            for key, part in frame.groupby(["outcome", "period", "agency", "breakdown", "breakdown_value"]):
                days = np.sort(part["days"].to_numpy())
                n = len(days)
                low = max(1, math.floor((n - Z * math.sqrt(n)) / 2))
                high = min(n, math.ceil(1 + (n + Z * math.sqrt(n)) / 2))
                # docs/measures.md: the interval is withheld under MEDIAN_INTERVAL_MINIMUM clients.
                bounds = (float(days[low - 1]), float(days[high - 1])) if n >= MEDIAN_INTERVAL_MINIMUM else (None, None)
                rows.append((*key, None, n, float(np.median(days)), *bounds))
    out = pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "period",
            "agency",
            "breakdown",
            "breakdown_value",
            "numerator",
            "denominator",
            "rate",
            "ci_low",
            "ci_high",
        ],
    )
    out["unit"] = "days"
    out["eligible"] = out["denominator"]  # every client first served
    return out


def adjusted_rows(records: pd.DataFrame, eligible: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """employment_at_followup_adjusted: one region-wide cell over the whole period (docs/measures.md)."""
    reached = records[records["outcome"] == "employment_at_followup"]
    could = eligible[eligible["outcome"] == "employment_at_followup"]
    adjusted = adjusted_rate(weighting_cells(reached, could[~could["client_key"].isin(reached["client_key"])], people))
    row = {k: adjusted[k] for k in ("rate", "ci_low", "ci_high", "denominator", "eligible")}
    return pd.DataFrame(
        [
            {
                "outcome": "employment_at_followup_adjusted",
                "period": ALL,
                "agency": ALL_AGENCIES,
                "breakdown": ALL,
                "breakdown_value": ALL,
                "unit": "proportion",
                "numerator": np.nan,
                **row,
            }
        ]
    )


def _key(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return list(frame[columns].itertuples(index=False, name=None))


def _groups(frame: pd.DataFrame, size: str = "denominator") -> dict[str, pd.DataFrame]:
    """Each way cells add up to a published total, as (cell index, group id, is_total) rows, by family;
    `size` is the count the tie-break orders by (denominator; eligible for coverage)."""
    cells = frame.reset_index().rename(columns={"index": "cell"})
    parts = cells[cells["breakdown"].isin(PARTITIONING)]
    totals = cells[cells["breakdown"] == ALL]
    by_value = pd.concat(
        [
            parts.assign(member_group=parts["breakdown"], is_total=False),
            *[totals.assign(member_group=b, is_total=True) for b in PARTITIONING],
        ]
    )
    by_value["group"] = _key(by_value, ["outcome", "period", "agency_code", "member_group"])
    cross = cells[cells["breakdown"] == "gender_x_immigration_category"]
    split = cross["breakdown_value"].str.split("|", expand=True)
    margins = []
    for margin, column in (("gender", 0), ("immigration_category", 1)):
        margins.append(cross.assign(member_group=margin, member_value=split[column], is_total=False))
        own = cells[cells["breakdown"] == margin]
        margins.append(own.assign(member_group=margin, member_value=own["breakdown_value"], is_total=True))
    by_margin = pd.concat(margins)
    by_margin["group"] = _key(by_margin, ["outcome", "period", "agency_code", "member_group", "member_value"])
    by_agency = cells.assign(
        group=_key(cells, ["outcome", "period", "breakdown", "breakdown_value"]),
        is_total=cells["agency_code"] == ALL_AGENCIES,
    )
    by_period = cells.assign(
        group=_key(cells, ["outcome", "agency_code", "breakdown", "breakdown_value"]),
        is_total=cells["period"] == ALL,
    )
    columns = ["cell", "group", "is_total", size, "breakdown_value", "agency_code", "period"]
    return {
        family: part[columns].rename(columns={size: "size"})
        for family, part in (
            ("values", by_value),
            ("margins", by_margin),
            ("agencies", by_agency),
            ("periods", by_period),
        )
    }


def _tables(
    frame: pd.DataFrame, size: str = "denominator"
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """The gender x immigration category table of each outcome, period and agency, with its
    margins: (cells, row keys, column keys, denominators) per table."""
    cells = frame.reset_index().rename(columns={"index": "cell"})
    cells = cells[cells["breakdown"].isin([ALL, "gender", "immigration_category", "gender_x_immigration_category"])]
    split = cells["breakdown_value"].str.split("|", expand=True).reindex(columns=[0, 1])
    is_cross = cells["breakdown"] == "gender_x_immigration_category"
    row = np.where(is_cross, split[0], np.where(cells["breakdown"] == "gender", cells["breakdown_value"], "*"))
    col = np.where(
        is_cross, split[1], np.where(cells["breakdown"] == "immigration_category", cells["breakdown_value"], "*")
    )
    cells = cells.assign(row=row, col=col)
    return [
        (t["cell"].to_numpy(), t["row"].to_numpy(), t["col"].to_numpy(), t[size].to_numpy())
        for _, t in cells.groupby(["outcome", "period", "agency_code"])
    ]


def _rectangles(tables, suppressed: np.ndarray) -> list[int]:
    """docs/measures.md, "Tables": a suppressed cell on no rectangle of four suppressed cells gets the
    rectangle through it that adds the fewest clients (then fewest cells, then by other row, other
    column) suppressed whole.  Decided for every table from the same flags."""
    picked = []
    for cells, rows, cols, sizes in tables:
        at = {(r, c): i for i, (r, c) in enumerate(zip(rows, cols, strict=True))}
        hidden = suppressed[cells]
        for i in np.flatnonzero(hidden):
            r, c = rows[i], cols[i]
            options = []
            for r2 in set(rows) - {r}:
                for c2 in set(cols) - {c}:
                    corners = [at.get((r, c2)), at.get((r2, c)), at.get((r2, c2))]
                    if None in corners:
                        continue
                    added = [j for j in corners if not hidden[j]]
                    options.append((sum(sizes[j] for j in added), len(added), r2, c2, added))
            if not options or min(o[1] for o in options) == 0:
                continue
            picked.extend(cells[j] for j in min(options, key=lambda o: o[:4])[4])
    return picked


def primary(frame: pd.DataFrame, threshold: int, whole_group: int = WHOLE_GROUP_THRESHOLD) -> np.ndarray:
    """docs/measures.md, "Primary": a small denominator, numerator or complement, or all or none of a small group."""
    d = frame["denominator"]
    n = frame["numerator"]
    proportion = n.notna()
    small = lambda x: (x >= 1) & (x < threshold)  # noqa: E731
    whole = proportion & ((n == 0) | (n == d)) & (d < whole_group)
    return ((d < threshold) | (proportion & (small(n) | small(d - n))) | whole).to_numpy().copy()


def _close(frame: pd.DataFrame, suppressed: np.ndarray, size: str) -> np.ndarray:
    """Complementary suppression: in each round, the families values, margins, tables, agencies and
    periods in turn, until nothing changes (docs/measures.md)."""
    groups = _groups(frame, size)
    tables = _tables(frame, size)
    while True:
        before = suppressed.sum()
        for family in ("values", "margins", "tables", "agencies", "periods"):
            if family == "tables":
                suppressed[_rectangles(tables, suppressed)] = True
                continue
            members = groups[family].assign(suppressed=suppressed[groups[family]["cell"].to_numpy()])
            lone = members.groupby("group")["suppressed"].transform("sum") == 1
            candidates = members[lone & ~members["suppressed"]].sort_values(
                ["size", "is_total", "breakdown_value", "agency_code", "period"]
            )
            suppressed[candidates.groupby("group", sort=False).head(1)["cell"].to_numpy()] = True
        if suppressed.sum() == before:
            return suppressed


def suppress(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Primary suppression, then complementary, of the rates; then of their coverage: eligible as
    the population and the denominator as its part, over the same groups by eligible
    (docs/measures.md, "Who each rate covers")."""
    frame = frame.reset_index(drop=True)
    frame["coverage"] = frame["denominator"] / frame["eligible"]
    suppressed = _close(frame, primary(frame, threshold), "denominator")
    as_coverage = frame[["eligible", "denominator"]].set_axis(["denominator", "numerator"], axis=1)
    coverage_suppressed = _close(frame, suppressed | primary(as_coverage, threshold), "eligible")
    frame["suppressed"] = suppressed
    frame["coverage_suppressed"] = coverage_suppressed
    for column in ("eligible", "coverage"):
        frame.loc[frame["coverage_suppressed"], column] = np.nan
    for column in ("numerator", "denominator", "rate", "ci_low", "ci_high"):
        frame.loc[frame["suppressed"], column] = np.nan
    return frame


def outcome_rates(region: Path, data_end: pd.Timestamp, threshold: int = 10) -> pd.DataFrame:
    sheets = read_region(str(region))
    sites = read_workbook(region / "agencies.xlsx")["Sites"]
    people = clients(sheets, sites)
    records = pd.concat(
        [language_records(sheets), employment_records(sheets), belonging_records(sheets)], ignore_index=True
    )
    eligible = eligible_records(sheets, people, data_end, clb, _dated)
    frames = [
        adjusted_rows(records, eligible, people),
        rate_rows(records, people, eligible),
        rate_rows(referral_records(sheets, data_end), people, eligible),
        _catalogued(
            rate_rows(
                pd.concat(
                    [needs_records(sheets, data_end), voice_records(sheets), french_records(sheets, people)],
                    ignore_index=True,
                ).pipe(lambda f: f.assign(unit=f["unit"].fillna(f["client_key"]))),
                people,
                eligible,
            )
        ),
        participation_rows(sheets, people),
        median_rows(people),
    ]
    out = pd.concat(frames, ignore_index=True).rename(columns={"agency": "agency_code"})
    return suppress(out, threshold)
