"""Employment-related services: short-term sessions and long-term interventions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cat, cumsum_within_client, pick, within_client


def employment(sim: Simulation, start: np.ndarray, provider: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rng, n = sim.rng, sim.n
    client = np.flatnonzero(start >= 0)
    count = 1 + rng.poisson(1.2, size=len(client))
    rows = np.repeat(client, count)
    gap = np.where(within_client(count) == 0, 0, rng.integers(7, 46, len(rows)))
    day = start[rows] + cumsum_within_client(gap, count)
    short = sim.base(rows, provider[rows], day)
    m = len(short)
    short["intervention_type_id"] = cat(("Long Term", "Short Term"), np.ones(m))
    short["short_term_service[1]service_received_id"] = pick(
        rng,
        ["Employment counselling", "Networking opportunities", "Resume screening for referrals service"],
        m,
        [0.6, 0.25, 0.15],
    )
    short["short_term_service[1]entry_dt"] = short["day"]
    short["session_employment_status_id"] = pick(
        rng, ["Unemployed", "Employed part time - less than 30 hours at main or only job"], m, [0.85, 0.15]
    )
    short["complete_hours_spent_no"] = rng.integers(0, 4, m)
    short["complete_minutes_spent_no"] = pick(rng, ["0", "15", "30", "45"], m)

    long_term = np.zeros(n, dtype=bool)
    long_term[client] = rng.random(len(client)) < 0.3
    lt_client = np.flatnonzero(long_term)
    lt_start = start[lt_client] + rng.integers(0, 31, len(lt_client))
    lt = sim.base(lt_client, provider[lt_client], lt_start)
    k = len(lt)
    lt["intervention_type_id"] = cat(("Long Term", "Short Term"), np.zeros(k))
    lt["intervention_received_id"] = pick(
        rng, ["Work placement", "Mentoring", "Preparation for licensure/certification"], k, [0.5, 0.35, 0.15]
    )
    lt["intervention_status_id"] = pick(
        rng,
        ["Completed", "Ongoing", "Intervention ended early (i.e. client ended participation)"],
        k,
        [0.6, 0.25, 0.15],
    )
    lt["intervention_start_dt"] = lt["day"]
    lt["intervention_end_dt"] = lt["day"] + rng.integers(56, 183, k)
    lt["session_employment_status_id"] = cat(["Unemployed"], np.zeros(k))
    sim.emit("Employment", sim.support(pd.concat([short, lt], ignore_index=True), 0.1))
    first = np.where(start >= 0, start, -1)
    first = np.where(first > sim.end, -1, first)
    # The planted effect uses only what is written: a long-term intervention dated by the follow-up.
    long_term_written = np.zeros(n, dtype=bool)
    long_term_written[lt_client] = lt_start <= sim.end
    return first, long_term_written
