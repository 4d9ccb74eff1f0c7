"""Community connections: group events and networking, and when each client first took part."""

from __future__ import annotations

import numpy as np

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cumsum_within_client, pick, within_client, yes_no


def community_connections(sim: Simulation, start: np.ndarray, provider: np.ndarray) -> np.ndarray:
    rng = sim.rng
    client = np.flatnonzero(start >= 0)
    count = 1 + rng.poisson(1.5, size=len(client))
    rows = np.repeat(client, count)
    gap = np.where(within_client(count) == 0, 0, rng.integers(7, 46, len(rows)))
    day = start[rows] + cumsum_within_client(gap, count)
    frame = sim.base(rows, provider[rows], day)
    m = len(frame)
    frame["preferred_official_lang_id"] = sim.official_language(rows)
    frame["community_activity_id"] = pick(
        rng, ["Community-based group events and activities", "Targeted Matching and Networking"], m, [0.7, 0.3]
    )
    frame["service_type_id"] = pick(
        rng,
        [
            "Conversation circle",
            "Networking activity with other newcomers or Canadian citizens",
            "Youth leadership project",
        ],
        m,
        [0.5, 0.35, 0.15],
    )
    frame["topics_service_id"] = pick(
        rng,
        [
            "Access to local community services",
            "Connecting with other newcomers",
            "Getting involved in the community",
        ],
        m,
    )
    frame["group_clients_no_id"] = pick(
        rng, ["Less than 10 people", "10 - 20 people", "More than 20 people"], m, [0.5, 0.35, 0.15]
    )
    frame["volunteers_participate_ind"] = yes_no(rng.random(m) < 0.45)
    frame["target_group_specific_ind"] = yes_no(rng.random(m) < 0.15)
    frame["service_status_id"] = pick(
        rng, ["Completed", "Ongoing", "Service ended early (i.e. client ended participation)"], m, [0.8, 0.1, 0.1]
    )
    frame["service_start_dt"] = frame["day"]
    frame["service_end_dt"] = frame["day"]
    frame["service_length_hours_no"] = rng.integers(1, 4, m)
    frame["service_length_minutes_no"] = pick(rng, ["0", "30"], m)
    sim.emit("Community Connections", sim.support(frame, 0.1))
    first = np.full(sim.n, -1)
    written = day <= sim.end
    first[rows[written & (within_client(count) == 0)]] = day[written & (within_client(count) == 0)]
    return first
