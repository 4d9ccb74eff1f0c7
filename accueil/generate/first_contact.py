"""The first contact: orientation sessions, the needs assessment, and referrals to the other streams."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cat, cumsum_within_client, pick, within_client, yes_no

REFERRAL_WINDOW = 90


def orientation(sim: Simulation, first_day: np.ndarray, home: np.ndarray, has_nar: np.ndarray) -> None:
    rng, p, n = sim.rng, sim.p, sim.n
    takes = ~has_nar | (rng.random(n) < p.orientation_share)
    client = np.flatnonzero(takes)
    count = 1 + rng.poisson(1.6, size=len(client))
    rows = np.repeat(client, count)
    gap = np.where(
        within_client(count) == 0,
        np.where(has_nar[rows], rng.integers(0, 31, len(rows)), 0),
        rng.integers(7, 61, len(rows)),
    )
    # cumulative gaps within each client
    day = first_day[rows] + cumsum_within_client(gap, count)
    frame = sim.base(rows, home[rows], day)
    m = len(frame)
    frame["start_dttm"] = frame["day"]
    frame["end_dttm"] = frame["day"]
    frame["service_official_language_id"] = sim.official_language(rows)
    frame["institution_type_id"] = pick(
        rng, ["Settlement service provider", "Online", "Public library"], m, [0.85, 0.1, 0.05]
    )
    frame["orientation_service_id"] = pick(
        rng, ["One-on-one orientation", "Family orientation", "Group orientation"], m, [0.6, 0.15, 0.25]
    )
    frame["orientation_length_hours_no"] = rng.integers(0, 4, m)
    frame["orientation_length_minutes_no"] = pick(rng, ["0", "15", "30", "45"], m)
    frame["group_clients_no_id"] = pick(
        rng, ["Less than 10 people", "10 - 20 people", "More than 20 people"], m, [0.7, 0.2, 0.1]
    )
    frame["target_group_specific_ind"] = yes_no(rng.random(m) < 0.1)
    for topic in ("overview", "information", "rights", "documents", "income", "housing", "health", "citizenship"):
        frame[f"topic_{topic}_given_ind"] = yes_no(rng.random(m) < 0.35)
    sim.emit("Info&Orien", sim.support(frame))


def referrals(sim: Simulation, first_day: np.ndarray, referral_to: np.ndarray, referral_for: np.ndarray) -> np.ndarray:
    """Start day of the referred service, or -1; records the planted completion probability."""
    rng, p, n = sim.rng, sim.p, sim.n
    c = sim.clients
    prob = c["official_language"].map(p.referral_completion).to_numpy(dtype=float)
    prob = prob - np.where(c["refugee"].to_numpy(), p.referral_completion_refugee_penalty, 0.0)
    referred = referral_to >= 0
    completed = rng.random(n) < prob
    late = rng.random(n) < p.referral_late_share
    start = np.where(
        completed,
        first_day + rng.integers(1, REFERRAL_WINDOW, size=n),
        np.where(late, first_day + rng.integers(REFERRAL_WINDOW + 1, 241, size=n), -1),
    )
    start = np.where(referred, start, -1)
    # Measured only once the 90-day window has closed inside the period.
    counted = referred & (first_day + REFERRAL_WINDOW <= sim.end)
    idx = np.flatnonzero(counted)
    sim.truth.referral = pd.DataFrame(
        {
            "client": idx,
            "official_language": c["official_language"].to_numpy()[idx],
            "refugee": c["refugee"].to_numpy()[idx],
            "p": prob[idx],
            "stream": referral_for[idx],
            "same_agency": referral_to[idx] == c["home"].to_numpy()[idx],
        }
    )
    return start


def needs_assessment(sim: Simulation, has_nar, first_day, home, needs, referral_to, referral_for) -> None:
    rng = sim.rng
    client = np.flatnonzero(has_nar)
    frame = sim.base(client, home[client], first_day[client])
    m = len(frame)
    frame["assessment_start_dt"] = frame["day"]
    frame["assessment_completed_dt"] = frame["day"] + rng.integers(0, 8, m)
    frame["preferred_official_language_id"] = sim.official_language(client)
    frame["institution_type_id"] = pick(rng, ["Settlement service provider", "Online"], m, [0.9, 0.1])
    frame["assessment_referral_id"] = pick(
        rng,
        [
            "Family / friends",
            "Internal to my organization",
            "Other settlement service provider",
            "Canadian government agency",
            "Not referred",
        ],
        m,
        [0.35, 0.15, 0.2, 0.1, 0.2],
    )
    for column in (
        "knwl_life_needs_ind",
        "knwl_comm_gov_svcs_needs_ind",
        "housing_accommodation_needs_ind",
        "hlth_mental_wellness_needs_ind",
        "financial_needs_ind",
    ):
        frame[column] = yes_no(rng.random(m) < 0.35)
    stream_flags = {
        "language_training": "language_skills",
        "employment": "find_employment",
        "community_connections": "social_networks",
    }
    for stream, prefix in stream_flags.items():
        frame[f"{prefix}_needs_ind"] = yes_no(needs[stream][client])
        frame[f"{prefix}_referrals_ind"] = yes_no(referral_for[client] == stream)
    frame["settlement_plan_ind"] = yes_no(rng.random(m) < 0.7)
    _named_needs(sim, frame, client, needs, referral_for)
    referred = referral_to[client] >= 0
    frame["referral_agency_cd"] = cat(list(sim.region.codes), np.where(referred, referral_to[client], -1))
    frame["referral_dt"] = np.where(referred, frame["day"], np.nan)
    stream_labels = {
        "language_training": "Language training",
        "employment": "Employment-related services",
        "community_connections": "Community connections",
    }
    order = list(stream_labels)
    codes = np.array([order.index(s) if s else -1 for s in referral_for[client]])
    frame["referral_stream_id"] = cat(list(stream_labels.values()), codes)
    sim.emit("Needs Assessment&Referrals", sim.support(frame))


# The needs-assessment columns of the needs no stream serves (issue 20), by need.
UNSERVED_NEED_COLUMNS = {
    "housing": ("housing_accommodation_needs_ind", "housing_accommodation_referrals_ind"),
    "health": ("hlth_mental_wellness_needs_ind", "hlth_mental_wellness_refs_ind"),
    "financial": ("financial_needs_ind", "financial_referrals_ind"),
    "food_clothing": ("food_cloth_material_needs_ind", "food_cloth_material_refs_ind"),
    "family_support": ("family_support_needs_ind", "family_support_referrals_ind"),
    "legal": ("legal_info_services_needs_ind", "legal_info_services_referrals_ind"),
}
# The needs the streams serve (seeds/need_streams.csv): the need's column, the streams that
# meet it, and how it is named.  A stream need (language, employment, social networks) is
# named with the stream's need; "with" names a need alongside one of them (half of those
# who need employment also name working in Canada); a share names it on its own.
SERVED_NEEDS = {
    "language": ("language_skills_needs_ind", ("language_training",), "language_training", None),
    "employment": ("find_employment_needs_ind", ("employment",), "employment", None),
    "social_networks": ("social_networks_needs_ind", ("community_connections",), "community_connections", None),
    "working_in_canada": ("knwl_working_needs_ind", ("employment", "information_orientation"), "employment", 0.5),
    "professional_networks": (
        "professional_networks_needs_ind",
        ("employment", "community_connections"),
        "employment",
        0.3,
    ),
    "community_involvement": (
        "community_involvement_needs_ind",
        ("community_connections",),
        "community_connections",
        0.5,
    ),
    "life_in_canada": ("knwl_life_needs_ind", ("information_orientation",), None, None),
    "community_government_services": ("knwl_comm_gov_svcs_needs_ind", ("information_orientation",), None, None),
    "local_community_services": (
        "local_community_svcs_needs_ind",
        ("information_orientation", "community_connections"),
        None,
        0.2,
    ),
    "education_in_canada": ("knwl_education_needs_ind", ("information_orientation",), None, 0.15),
}
NEED_WINDOW = 180
LATE_REFERRAL_DAYS = (REFERRAL_WINDOW + 1, 240)


def _named_needs(sim: Simulation, frame: pd.DataFrame, client: np.ndarray, needs, referral_for) -> None:
    """Name the needs not named yet and draw the unserved needs' referrals; record every named
    need's planted chance of being met within NEED_WINDOW days."""
    rng, p, c = sim.voice_rng, sim.p, sim.clients
    m = len(frame)
    size = sim.site_size(client, frame["agency"].to_numpy())
    outside_urban = np.where(size == "urban", 1.0, p.need_referral_outside_urban)
    parts = []
    for need, (need_column, referral_column) in UNSERVED_NEED_COLUMNS.items():
        # Housing, health and financial needs were named before issue 20 (at the same share):
        # keep those draws, so that the earlier sheets of a seed stay as they were.
        if need_column in frame:
            named = np.asarray(frame[need_column]) == "Yes"
        else:
            named = rng.random(m) < p.unserved_need_shares[need]
            frame[need_column] = yes_no(named)
        chance = p.need_referral[need] * outside_urban
        frame[referral_column] = yes_no(rng.random(m) < chance, blank=~named)
        parts.append(pd.DataFrame({"row": np.flatnonzero(named), "need": need, "p": chance[named]}))
    # Each stream's chance of serving the client within the window: the streams a client needs
    # are served within 60 days, or by the referral: completed within 90 days, or served late
    # but within the need's 180 days (a quarter of those not completed, uniformly over days
    # 91-240).  Only one stream is referred, so the streams' chances are independent.
    referral_p = c["official_language"].map(p.referral_completion).to_numpy(dtype=float)[client]
    referral_p = referral_p - np.where(c["refugee"].to_numpy()[client], p.referral_completion_refugee_penalty, 0.0)
    late = (NEED_WINDOW - LATE_REFERRAL_DAYS[0] + 1) / (LATE_REFERRAL_DAYS[1] - LATE_REFERRAL_DAYS[0] + 1)
    served = {"information_orientation": np.full(m, p.orientation_share)}
    for stream in ("language_training", "employment", "community_connections"):
        referred = referral_for[client] == stream
        chance = np.where(referred, referral_p + (1 - referral_p) * p.referral_late_share * late, 1.0)
        served[stream] = np.where(needs[stream][client], chance, 0.0)
    for need, (need_column, streams, with_stream, share) in SERVED_NEEDS.items():
        if need_column in frame:
            named = np.asarray(frame[need_column]) == "Yes"
        else:
            draw = rng.random(m) < (share or 0.0)
            named = draw & needs[with_stream][client] if with_stream else draw
            frame[need_column] = yes_no(named)
        chance = 1.0 - np.prod([1.0 - served[s] for s in streams], axis=0)
        parts.append(pd.DataFrame({"row": np.flatnonzero(named), "need": need, "p": chance[named]}))
    named = pd.concat(parts, ignore_index=True)
    row = named["row"].to_numpy()
    # Measured once the 180-day window has closed inside the period.
    closed = frame["day"].to_numpy()[row] + NEED_WINDOW <= sim.end
    sim.truth.needs = pd.DataFrame(
        {
            "client": client[row][closed],
            "need": named["need"].to_numpy()[closed],
            "p": named["p"].to_numpy()[closed],
            "community_size": size[row][closed],
        }
    )
