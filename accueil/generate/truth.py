"""Summarise the planted probabilities into expected rates per group, for truth.json.

Each entry gives, for the clients a measure counts, the mean of their planted
probabilities (`expected_rate`) and their number (`n`).  The realised rate of a
group differs from its expected rate by sampling error only: its variance is at
most expected_rate * (1 - expected_rate) / n.
"""

from __future__ import annotations

import pandas as pd

from accueil.generate.first_contact import NEED_WINDOW, REFERRAL_WINDOW
from accueil.generate.followups import FOLLOWUP_WINDOW
from accueil.generate.language import GAIN_MIN_DAYS, SKILLS
from accueil.generate.params import Params
from accueil.generate.population import Population


def _groups(frame: pd.DataFrame, by: str | None, value: str = "p") -> dict:
    def entry(part: pd.DataFrame) -> dict:
        values = part[value].dropna()
        return {"expected_rate": round(float(values.mean()), 6) if len(values) else None, "n": len(values)}

    out = {"all": entry(frame)}
    if by:
        for key, part in frame.groupby(by, sort=True):
            out[str(key).lower()] = entry(part)
    return out


def planted_summary(population: Population, params: Params) -> dict:
    truth = population.truth
    language = truth.language
    employment = truth.employment.assign(p_matching=lambda f: f["p"] * f["p_match_if_employed"])
    return {
        "language_gain_any": {
            "definition": (
                f"gain of one CLB level or more in at least one skill between the first language "
                f"assessment and a course exit at least {GAIN_MIN_DAYS} days later; "
                "non-levels (N/A, Insufficient Evidence, Pre-CLB) are not compared"
            ),
            "by_immigration_group": _groups(language, "group", "p_any"),
            "by_skill": {skill: _groups(language, None, f"p_{skill}")["all"] for skill in SKILLS},
        },
        "employment_at_followup": {
            "definition": (
                f"employed (full time, part time or self-employed) at a follow-up "
                f"{FOLLOWUP_WINDOW[0]} to {FOLLOWUP_WINDOW[1]} days after the first employment service"
            ),
            "by_gender": _groups(employment, "gender"),
            "employed_matching_training_by_gender": _groups(employment, "gender", "p_matching"),
            # The rate the non-response-adjusted measure should recover: every client whose
            # follow-up window has opened, reached or not; `by_gender` above is only those reached.
            "eligible": _groups(truth.employment_eligible, None)["all"],
            "response_probability": {
                "base": params.employment_followup_share,
                "gender_factor": dict(params.employment_followup_response_gender),
                "refugee_factor": params.employment_followup_response_refugee,
                "mean_among_eligible": round(float(truth.employment_eligible["p_response"].mean()), 6)
                if len(truth.employment_eligible)
                else None,
            },
        },
        "referral_completion_90d": {
            "definition": (
                f"a service in the referred stream at the receiving agency within {REFERRAL_WINDOW} days "
                "of the referral, for referrals whose window closed inside the period"
            ),
            "by_official_language": _groups(truth.referral, "official_language"),
        },
        "sense_of_belonging_strong": {
            "definition": (
                "'very strong' or 'somewhat strong' among follow-ups that answered, by whether the client "
                "took part in community connections on or before the follow-up"
            ),
            "by_community_connections": _groups(truth.belonging, "community_connections"),
        },
        "needs_met": {
            "definition": (
                f"a need named at a needs assessment is met within {NEED_WINDOW} days: by a service in a "
                "stream that serves it, at any agency, or, for a need no stream serves, by a referral; "
                "needs whose window closed inside the period, by the community size of the assessing site"
            ),
            "all": _groups(truth.needs, "community_size"),
            "by_need": {need: _groups(part, "community_size") for need, part in truth.needs.groupby("need", sort=True)},
        },
        "client_voice": {
            "definition": (
                "at each client's first follow-up: satisfied or very satisfied with the services, would "
                "recommend them, has people to turn to for help (by whether the client took part in "
                "community connections on or before it)"
            ),
            "satisfied": _groups(truth.voice, None, "p_satisfied")["all"],
            "would_recommend": _groups(truth.voice, None, "p_recommend")["all"],
            "people_to_turn_to": _groups(truth.voice, "community_connections", "p_people"),
        },
        "served_in_french": {
            "definition": (
                "clients whose official language is French all of whose services with a language of service "
                "(needs assessment, orientation, employment, community connections) were in French, overall "
                "and per stream"
            ),
            "by_stream": {
                stream: _groups(part, None)["all"] for stream, part in truth.french.groupby("stream", sort=True)
            },
        },
        "median_days_arrival_to_first_service": {
            "definition": "log-normal delay from arrival to first service: planted median and log-scale sigma",
            "by_immigration_category": dict(params.median_days_to_first_service),
            "sigma": params.days_to_first_service_sigma,
        },
    }
