"""Outcome follow-ups: employment and belonging, with the probabilities planted for the measures to recover."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cat, pick, yes_no

FOLLOWUP_WINDOW = (183, 365)  # days after the first employment service: "6 to 12 months"


def followups(
    sim: Simulation, emp_first: np.ndarray, emp_provider: np.ndarray, long_term: np.ndarray, cc_first: np.ndarray
) -> None:
    rng, p, n, c = sim.rng, sim.p, sim.n, sim.clients
    has_emp = emp_first >= 0
    emp_fu = has_emp & (rng.random(n) < _response_probability(sim))
    outside = rng.random(n) < p.followup_outside_window_share
    in_window = rng.integers(FOLLOWUP_WINDOW[0], FOLLOWUP_WINDOW[1] + 1, n)
    out_window = np.where(rng.random(n) < 0.5, rng.integers(60, 151, n), rng.integers(380, 481, n))
    emp_day = emp_first + np.where(outside, out_window, in_window)
    # Clients with an employment service get only the employment follow-up, so that
    # no other follow-up can fall into its 6-to-12-month window by chance.
    general = ~has_emp & (rng.random(n) < p.general_followup_share)
    gen_day = c["first_day"].to_numpy() + rng.integers(FOLLOWUP_WINDOW[0], FOLLOWUP_WINDOW[1] + 1, n)
    has_fu = emp_fu | general
    client = np.flatnonzero(has_fu)
    day = np.where(emp_fu, emp_day, gen_day)[client]
    agency = np.where(emp_fu, emp_provider, c["home"].to_numpy())[client]

    gender = c["gender"].to_numpy()[client]
    refugee = c["refugee"].to_numpy()[client]
    p_emp = _employment_probability(sim, client, day, emp_first, long_term)
    employed = rng.random(len(client)) < p_emp
    p_match = np.where(gender == "woman", p.job_matches_training["woman"], p.job_matches_training["other"])
    matches = rng.random(len(client)) < p_match
    took_cc = (cc_first[client] >= 0) & (cc_first[client] <= day)
    p_strong = np.where(took_cc, p.belonging_strong["community_connections"], p.belonging_strong["other"])
    answered = rng.random(len(client)) >= p.belonging_no_answer_share
    strong = rng.random(len(client)) < p_strong

    frame = sim.base(client, agency, day)
    m = len(frame)
    frame["followup_dt"] = frame["day"]
    frame["followup_method_id"] = pick(rng, ["Telephone", "Online survey", "In person"], m, [0.5, 0.35, 0.15])
    employed_kind = rng.choice(3, size=m, p=[0.65, 0.25, 0.10])
    not_employed_kind = np.where(rng.random(m) < 0.7, 3, 4)
    frame["employment_status_id"] = cat(
        (
            "Employed full time - 30 hours or more",
            "Employed part time - less than 30 hours",
            "Self-employed",
            "Unemployed and looking for work",
            "Not in the labour force",
        ),
        np.where(employed, employed_kind, not_employed_kind),
    )
    frame["job_matches_training_id"] = cat(
        ("Yes", "No", "Not applicable"), np.where(employed, np.where(matches, 0, 1), 2)
    )
    strong_kind = np.where(rng.random(m) < 0.4, 0, 1)
    weak_kind = np.where(rng.random(m) < 0.65, 2, 3)
    frame["sense_of_belonging_id"] = cat(
        ("Very strong", "Somewhat strong", "Somewhat weak", "Very weak", "Don't know / no answer"),
        np.where(~answered, 4, np.where(strong, strong_kind, weak_kind)),
    )
    p_people = np.where(took_cc, p.people_to_turn_to["community_connections"], p.people_to_turn_to["other"])
    frame["has_people_to_turn_to_ind"] = yes_no(rng.random(m) < p_people)
    frame["satisfaction_id"] = pick(rng, list(p.satisfaction_shares), m, list(p.satisfaction_shares.values()))
    frame["would_recommend_ind"] = yes_no(rng.random(m) < p.would_recommend)
    sim.emit("Outcome Follow-up", frame)

    written = day <= sim.end
    since_emp = day - emp_first[client]
    emp_ok = written & emp_fu[client] & (since_emp >= FOLLOWUP_WINDOW[0]) & (since_emp <= FOLLOWUP_WINDOW[1])
    sim.truth.employment = pd.DataFrame(
        {
            "client": client[emp_ok],
            "gender": gender[emp_ok],
            "refugee": refugee[emp_ok],
            "p": p_emp[emp_ok],
            "p_match_if_employed": p_match[emp_ok],
        }
    )
    # Every client the measure could speak for (first employment service 183 days or more before
    # the end), reached or not, with the probability planted for a follow-up on its in-window day.
    eligible = np.flatnonzero(has_emp & (emp_first + FOLLOWUP_WINDOW[0] <= sim.end))
    sim.truth.employment_eligible = pd.DataFrame(
        {
            "client": eligible,
            "p": _employment_probability(
                sim, eligible, emp_first[eligible] + in_window[eligible], emp_first, long_term
            ),
            "p_response": _response_probability(sim)[eligible],
        }
    )
    # The client voice measures count each client's first follow-up (every follow-up answers them).
    first = pd.DataFrame({"client": client, "day": day, "agency": agency, "p_people": p_people, "cc": took_cc})
    first = first[written].sort_values(["client", "day", "agency"], kind="stable").drop_duplicates("client")
    satisfied = p.satisfaction_shares["Very satisfied"] + p.satisfaction_shares["Satisfied"]
    sim.truth.voice = pd.DataFrame(
        {
            "client": first["client"].to_numpy(),
            "community_connections": first["cc"].to_numpy(),
            "p_people": first["p_people"].to_numpy(),
            "p_satisfied": satisfied,
            "p_recommend": p.would_recommend,
        }
    )
    bel_ok = written & answered
    sim.truth.belonging = pd.DataFrame(
        {
            "client": client[bel_ok],
            "community_connections": took_cc[bel_ok],
            "p": p_strong[bel_ok],
        }
    )


def _response_probability(sim: Simulation) -> np.ndarray:
    """Planted probability that a client with an employment service is followed up."""
    p, c = sim.p, sim.clients
    gender = np.array([p.employment_followup_response_gender[g] for g in c["gender"].to_numpy()])
    refugee = np.where(c["refugee"].to_numpy(), p.employment_followup_response_refugee, 1.0)
    return np.minimum(1.0, p.employment_followup_share * gender * refugee)


def _employment_probability(sim: Simulation, client, day, emp_first, long_term) -> np.ndarray:
    """The planted logistic probability of being employed at a follow-up on `day`."""
    p, c = sim.p, sim.clients
    years = (day - c["arrival_day"].to_numpy()[client]) / 365.25
    logit = (
        p.employment_intercept
        + p.employment_per_year_in_canada * years
        + p.employment_clb5_speaking * (c["latent_clb"].to_numpy()[client] >= 5)
        + p.employment_long_term_intervention * (long_term[client] & (emp_first[client] >= 0))
        + np.array([p.employment_gender[g] for g in c["gender"].to_numpy()[client]])
        + p.employment_refugee * c["refugee"].to_numpy()[client]
    )
    return 1.0 / (1.0 + np.exp(-logit))
