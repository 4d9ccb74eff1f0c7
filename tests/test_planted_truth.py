"""What the generator planted is visible in the raw sheets.

Each measure is recomputed here from the files alone with plain pandas, following
the written definition in truth.json, and compared with the planted expected rate:
the realised rate of a group must lie within Z standard errors of it, and the
number of clients counted must be exactly the number the generator planted for.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from accueil.quarters import Quarter
from tests.raw_extracts import read_region, read_workbook
from tests.reference_measures import needs_named

# About twenty groups are compared; z = 3.5 keeps the chance that any one of them
# strays by sampling error alone near 1% (Bonferroni).  With seed 1 the largest
# deviation is French-speaking referral completion, 3.2 standard errors low: its
# realised rate in the simulation itself is 0.410, so the measure is exact and the
# draw is simply an unlucky one (seeds 2 to 6 give 0.44 to 0.54 around 0.49).
Z = 3.5
LITERACY = {"Lit - Foundation L": -4, "Lit - 1L": -3, "Lit - 2L": -2, "Lit - 3L": -1, "Lit - 4L": 0}
SKILLS = ("listening", "speaking", "reading", "writing")
REFUGEES = {"Government-assisted refugee", "Privately sponsored refugee", "Protected person"}
EMPLOYED = {"Employed full time - 30 hours or more", "Employed part time - less than 30 hours", "Self-employed"}


def clb(value: str) -> float:
    """CLB level as a number; literacy levels sit below 1; non-levels are missing."""
    if value in LITERACY:
        return LITERACY[value]
    return float(value) if str(value).isdigit() else np.nan


def assert_recovered(observed: pd.Series, planted: dict, label: str) -> None:
    n, p = planted["n"], planted["expected_rate"]
    assert len(observed) == n, f"{label}: counted {len(observed)} clients, generator planted for {n}"
    se = math.sqrt(p * (1 - p) / n)
    assert abs(observed.mean() - p) <= Z * se, f"{label}: {observed.mean():.4f} vs planted {p:.4f} ± {Z * se:.4f}"


@pytest.fixture(scope="module")
def region(sample_region):
    folder, truth = sample_region
    sheets = read_region(str(folder))
    profile = sheets["Client Profile"].drop_duplicates("client_key").set_index("client_key")
    return sheets, profile, truth


def test_language_gain_by_immigration_group(region):
    sheets, profile, truth = region
    first = sheets["Language Assessment"].assign(date=lambda f: pd.to_datetime(f["assessment_dt"]))
    first = first.sort_values("date").drop_duplicates("client_key")
    later = sheets["LT Client Exit"].assign(date=lambda f: pd.to_datetime(f["exit_course_dt"]))
    pairs = first.merge(later, on="client_key", suffixes=("_0", "_1"))
    pairs = pairs[(pairs["date_1"] - pairs["date_0"]).dt.days >= 90]
    comparable, gained = [], []
    for skill in SKILLS:
        before = pairs[f"{skill}_CLB_level_id_0"].map(clb)
        after = pairs[f"{skill}_CLB_level_id_1"].map(clb)
        comparable.append(before.notna() & after.notna())
        gained.append(after > before)
        planted = truth["planted"]["language_gain_any"]["by_skill"][skill]
        per_skill = (after > before)[before.notna() & after.notna()].groupby(pairs["client_key"]).any()
        assert_recovered(per_skill, planted, f"gain in {skill}")
    pairs["comparable"] = np.logical_or.reduce(comparable)
    pairs["gain"] = np.logical_or.reduce(gained)
    clients = pairs[pairs["comparable"]].groupby("client_key")["gain"].any()
    refugee = profile.loc[clients.index, "immigration_category_id"].isin(REFUGEES)
    planted = truth["planted"]["language_gain_any"]["by_immigration_group"]
    assert_recovered(clients[refugee], planted["refugee"], "language gain, refugees")
    assert_recovered(clients[~refugee], planted["other"], "language gain, others")
    # The planted difference between the groups is larger than the sampling error.
    assert clients[~refugee].mean() - clients[refugee].mean() > 0.05


def test_employment_at_followup_by_gender(region):
    sheets, profile, truth = region
    employment = sheets["Employment"]
    served = pd.to_datetime(
        employment["intervention_start_dt"].replace("", pd.NA).fillna(employment["short_term_service[1]entry_dt"])
    )
    first = served.groupby(employment["client_key"]).min()
    followups = sheets["Outcome Follow-up"]
    followups = followups[followups["client_key"].isin(first.index)]
    days = (pd.to_datetime(followups["followup_dt"]) - first.loc[followups["client_key"]].to_numpy()).dt.days
    in_window = followups[(days >= 183) & (days <= 365)]
    employed = in_window.set_index("client_key")["employment_status_id"].isin(EMPLOYED)
    gender = profile.loc[employed.index, "gender_id"]
    planted = truth["planted"]["employment_at_followup"]["by_gender"]
    assert_recovered(employed, planted["all"], "employment, all")
    assert_recovered(employed[gender == "Woman"], planted["woman"], "employment, women")
    assert_recovered(employed[gender == "Man"], planted["man"], "employment, men")
    matching = in_window.set_index("client_key")["job_matches_training_id"].eq("Yes")
    planted_match = truth["planted"]["employment_at_followup"]["employed_matching_training_by_gender"]
    assert_recovered(matching, planted_match["all"], "employed in a job matching training")


def test_referral_completion_within_90_days_by_official_language(region):
    sheets, profile, truth = region
    period_end = pd.Timestamp(Quarter.parse(truth["quarters"][-1]).end)
    nar = sheets["Needs Assessment&Referrals"]
    referrals = nar[nar["referral_agency_cd"] != ""].assign(referral_dt=lambda f: pd.to_datetime(f["referral_dt"]))
    referrals = referrals[referrals["referral_dt"] + pd.Timedelta(days=90) <= period_end]
    stream_sheets = {
        "Language training": [
            ("Language Assessment", "assessment_dt"),
            ("LT Client Enrol", "first_class_dt"),
            ("LT Client Exit", "exit_course_dt"),
        ],
        "Employment-related services": [
            ("Employment", "intervention_start_dt"),
            ("Employment", "short_term_service[1]entry_dt"),
        ],
        "Community connections": [("Community Connections", "service_start_dt")],
    }
    services = pd.concat(
        [
            sheets[sheet][["client_key", "agency", column]].rename(columns={column: "date"}).assign(stream=stream)
            for stream, sources in stream_sheets.items()
            for sheet, column in sources
        ]
    )
    services = services[services["date"] != ""].assign(date=lambda f: pd.to_datetime(f["date"]))
    matched = referrals.merge(
        services,
        left_on=["client_key", "referral_agency_cd", "referral_stream_id"],
        right_on=["client_key", "agency", "stream"],
        how="left",
        suffixes=("", "_svc"),
    )
    gap = (matched["date"] - matched["referral_dt"]).dt.days
    matched["completed"] = (gap > 0) & (gap <= 90)
    completed = matched.groupby("record_id")["completed"].any()
    by_referral = referrals.set_index("record_id")
    language = profile.loc[by_referral.loc[completed.index, "client_key"], "official_language_id"].to_numpy()
    planted = truth["planted"]["referral_completion_90d"]["by_official_language"]
    assert_recovered(completed, planted["all"], "referral completion, all")
    assert_recovered(completed[language == "English"], planted["english"], "referral completion, English")
    assert_recovered(completed[language == "French"], planted["french"], "referral completion, French")
    assert (by_referral["referral_agency_cd"] == by_referral["agency"]).sum() > 20  # referrals to the same agency


def test_sense_of_belonging_by_community_connections(region):
    sheets, _, truth = region
    followups = sheets["Outcome Follow-up"]
    answered = followups[~followups["sense_of_belonging_id"].isin(["", "Don't know / no answer"])]
    strong = answered.set_index("client_key")["sense_of_belonging_id"].isin(["Very strong", "Somewhat strong"])
    first_cc = pd.to_datetime(sheets["Community Connections"].groupby("client_key")["service_start_dt"].min())
    fu_date = pd.to_datetime(answered.set_index("client_key")["followup_dt"])
    took_cc = first_cc.reindex(fu_date.index).le(fu_date)
    planted = truth["planted"]["sense_of_belonging_strong"]["by_community_connections"]
    assert_recovered(strong[took_cc], planted["true"], "belonging, with community connections")
    assert_recovered(strong[~took_cc], planted["false"], "belonging, without")


def test_median_days_from_arrival_to_first_service_by_category(region):
    sheets, profile, truth = region
    dated = {
        "Needs Assessment&Referrals": "assessment_start_dt",
        "Info&Orien": "start_dttm",
        "Community Connections": "service_start_dt",
        "LT Client Enrol": "first_class_dt",
        "Language Assessment": "assessment_dt",
        "Employment": "short_term_service[1]entry_dt",
    }
    events = pd.concat(
        [sheets[s][["client_key", c]].set_axis(["client_key", "date"], axis=1) for s, c in dated.items()]
    )
    first = pd.to_datetime(events[events["date"] != ""].groupby("client_key")["date"].min())
    arrival = pd.to_datetime(profile.loc[first.index, "arrival_dt"])
    days = (first - arrival).dt.days
    category = profile.loc[first.index, "immigration_category_id"]
    planted = truth["planted"]["median_days_arrival_to_first_service"]
    names = {"Government-assisted refugee": "gar", "Economic immigrant": "economic", "Family class": "family"}
    for label, key in names.items():
        sample = days[category == label].clip(lower=1)
        # Standard error of a sample median of a log-normal, on the log scale.
        tolerance = Z * 1.2533 * planted["sigma"] / math.sqrt(len(sample))
        assert abs(math.log(sample.median()) - math.log(planted["by_immigration_category"][key])) <= tolerance, label


def test_needs_met_by_need_and_community_size_of_the_assessing_site(region, sample_region):
    """Issue 20: every need named (window closed), met as docs/measures.md says, by need and by the
    community size of the site that assessed it; housing and health are met less often, and less
    often outside urban sites, as planted."""
    sheets, _, truth = region
    data_end = pd.Timestamp(Quarter.parse(truth["quarters"][-1]).end)
    named = needs_named(sheets, data_end)
    sites = read_workbook(sample_region[0] / "agencies.xlsx")["Sites"]
    size = sites.set_index(["agency_cd", "site_fsa"])["community_size_id"]
    size = size[~size.index.duplicated()].map({"Urban": "urban", "Small centre": "small_centre", "Rural": "rural"})
    named["size"] = size.reindex(list(zip(named["agency"], named["fsa"], strict=True))).to_numpy()
    planted = truth["planted"]["needs_met"]
    assert_recovered(named["met"], planted["all"]["all"], "needs met, all")
    for need, groups in planted["by_need"].items():
        mine = named[named["need"] == need]
        for key, group in groups.items():
            part = mine if key == "all" else mine[mine["size"] == key]
            assert_recovered(part["met"], group, f"need {need}, {key}")
    housing = named[named["need"] == "housing"]
    assert housing.loc[housing["size"] == "urban", "met"].mean() > housing.loc[housing["size"] != "urban", "met"].mean()


def test_client_voice_at_the_first_followup(region):
    sheets, _, truth = region
    followups = sheets["Outcome Follow-up"].assign(date=lambda f: pd.to_datetime(f["followup_dt"]))
    first = followups.sort_values(["date", "agency", "record_id"]).drop_duplicates("client_key").set_index("client_key")
    planted = truth["planted"]["client_voice"]
    assert_recovered(first["satisfaction_id"].isin(["Very satisfied", "Satisfied"]), planted["satisfied"], "satisfied")
    assert_recovered(first["would_recommend_ind"].eq("Yes"), planted["would_recommend"], "would recommend")
    first_cc = pd.to_datetime(sheets["Community Connections"].groupby("client_key")["service_start_dt"].min())
    took_cc = first_cc.reindex(first.index).le(first["date"])
    people = first["has_people_to_turn_to_ind"].eq("Yes")
    assert_recovered(people[took_cc], planted["people_to_turn_to"]["true"], "people to turn to, with community")
    assert_recovered(people[~took_cc], planted["people_to_turn_to"]["false"], "people to turn to, without")


def test_francophones_served_in_french_overall_and_by_stream(region):
    sheets, profile, truth = region
    francophones = set(profile.index[profile["official_language_id"] == "French"])
    columns = {
        "Needs Assessment&Referrals": ("assessment_language_id", "needs_assessment"),
        "Info&Orien": ("service_language_id", "information_orientation"),
        "Employment": ("session_service_lang_id", "employment"),
        "Community Connections": ("service_lang_id", "community_connections"),
    }
    services = pd.concat(
        [
            pd.DataFrame({"client_key": sheets[s]["client_key"], "stream": stream, "french": sheets[s][c] == "French"})
            for s, (c, stream) in columns.items()
        ]
    )
    services = services[services["client_key"].isin(francophones)]
    planted = truth["planted"]["served_in_french"]["by_stream"]
    assert_recovered(services.groupby("client_key")["french"].all(), planted["all"], "served in French")
    for stream, part in services.groupby("stream"):
        assert_recovered(part.groupby("client_key")["french"].all(), planted[stream], f"in French, {stream}")
