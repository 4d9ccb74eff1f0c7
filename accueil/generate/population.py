"""Simulate newcomers and the services they receive, vectorised over clients.

Every sheet comes out as one DataFrame over the whole period with three
bookkeeping columns (``client``, ``agency``, ``day``: days since 1970-01-01) and
contract columns.  Code columns hold English labels as categoricals and date
columns hold day numbers, so that a national year fits in a few hundred MB; the
writer turns both into text one file at a time.

The planted probabilities that the outcome measures should recover are kept per
client (``Truth``) so that truth.json can state the expected rate of each group
among exactly the clients a measure counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from accueil.generate.community import community_connections
from accueil.generate.employment import employment
from accueil.generate.first_contact import needs_assessment, orientation, referrals
from accueil.generate.followups import followups
from accueil.generate.language import language_training
from accueil.generate.service_language import service_language
from accueil.generate.simulation import Simulation, Truth


@dataclass
class Population:
    clients: pd.DataFrame
    sheets: dict[str, pd.DataFrame]
    truth: Truth


def simulate(sim: Simulation) -> Population:
    """Every stream in a fixed order: the same seed draws the same numbers in the same order."""
    c, rng, p, n = sim.clients, sim.rng, sim.p, sim.n
    first_day, home = c["first_day"].to_numpy(), c["home"].to_numpy()
    has_nar = rng.random(n) < p.first_module_nar_share
    orientation(sim, first_day, home, has_nar)

    refugee = c["refugee"].to_numpy()
    working_age = (c["age_at_arrival"].to_numpy() >= 18) & (c["age_at_arrival"].to_numpy() <= 64)
    needs = {
        "language_training": rng.random(n) < np.where(refugee, p.language_need["refugee"], p.language_need["other"]),
        "employment": working_age & (rng.random(n) < p.employment_need_working_age),
        "community_connections": rng.random(n) < p.community_need,
    }
    starts: dict[str, np.ndarray] = {}
    providers: dict[str, np.ndarray] = {}
    referral_for = np.full(n, "", dtype=object)
    referral_to = np.full(n, -1)
    for stream, need in needs.items():
        at_home = sim.region.offers[stream][home] & (rng.random(n) < p.served_at_home_share)
        provider = np.where(at_home, home, sim.other_agency(stream, n))
        same = sim.region.offers[stream][home] & (rng.random(n) < p.referral_same_agency_share)
        referred = need & has_nar & (referral_to < 0) & (~at_home | same)
        provider = np.where(referred & same, home, provider)
        referral_for[referred] = stream
        referral_to[referred] = provider[referred]
        start = first_day + rng.integers(0, 61, size=n)
        start = np.where(referred, -1, start)
        starts[stream] = np.where(need, start, -1)
        providers[stream] = provider
    referral_start = referrals(sim, first_day, referral_to, referral_for)
    for stream in needs:
        use = referral_for == stream
        starts[stream] = np.where(use, referral_start, starts[stream])
    needs_assessment(sim, has_nar, first_day, home, needs, referral_to, referral_for)
    lt = starts["language_training"] >= 0
    language_training(sim, np.flatnonzero(lt), starts["language_training"][lt], providers["language_training"][lt])
    cc_first = community_connections(sim, starts["community_connections"], providers["community_connections"])
    emp_first, long_term = employment(sim, starts["employment"], providers["employment"])
    followups(sim, emp_first, providers["employment"], long_term, cc_first)
    sheets = {name: pd.concat(parts, ignore_index=True) for name, parts in sim.sheets.items()}
    service_language(sim, sheets)
    return Population(sim.clients, sheets, sim.truth)
