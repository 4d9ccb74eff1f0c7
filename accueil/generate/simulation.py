"""The simulated clients, and the helpers every service stream builds its rows with.

Each stream (accueil/generate/first_contact.py, language.py, community.py,
employment.py, followups.py) adds the rows of its sheets with `emit` and records what
it planted in `truth`; accueil/generate/population.py runs them in a fixed order, so
the same seed draws the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from accueil.generate.params import REFUGEE_CATEGORIES, Params
from accueil.generate.region import Region
from accueil.generate.vectors import cat, day_number, yes_no


@dataclass
class Truth:
    """Per-client planted probabilities for the clients each measure counts."""

    language: pd.DataFrame = field(default_factory=pd.DataFrame)
    employment: pd.DataFrame = field(default_factory=pd.DataFrame)
    employment_eligible: pd.DataFrame = field(default_factory=pd.DataFrame)  # reached or not
    referral: pd.DataFrame = field(default_factory=pd.DataFrame)
    belonging: pd.DataFrame = field(default_factory=pd.DataFrame)
    needs: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per need named
    voice: pd.DataFrame = field(default_factory=pd.DataFrame)  # first follow-up of each client
    french: pd.DataFrame = field(default_factory=pd.DataFrame)  # francophone client x stream (or "all")


class Simulation:
    """The region's clients and random stream, and the rows each sheet has received so far."""

    def __init__(
        self,
        rng: np.random.Generator,
        params: Params,
        region: Region,
        n_clients: int,
        start: date,
        end: date,
        voice_seed: int = 0,
    ):
        self.rng, self.p, self.region, self.n = rng, params, region, n_clients
        # The needs, client voice and language of service (issue 20) draw from their own
        # stream, so that adding them left every earlier sheet of a seed as it was.
        self.voice_rng = np.random.default_rng([voice_seed, 20])
        self.start, self.end = day_number(start), day_number(end)
        self.sheets: dict[str, list[pd.DataFrame]] = {}
        self.truth = Truth()

    # ---- helpers -------------------------------------------------------------------------
    def emit(self, sheet: str, frame: pd.DataFrame) -> None:
        """Keep the rows that have happened by the end of the period."""
        frame = frame[frame["day"].to_numpy() <= self.end]
        if len(frame):
            self.sheets.setdefault(sheet, []).append(frame.reset_index(drop=True))

    def other_agency(self, stream: str, size: int) -> np.ndarray:
        offers = self.region.offers[stream]
        w = np.where(offers, self.region.weight, 0.0)
        return self.rng.choice(self.region.n, size=size, p=w / w.sum())

    def site_fsa(self, client: np.ndarray, agency: np.ndarray) -> pd.Categorical:
        """Each client uses one site of each agency, chosen by a fixed rule."""
        fsas = sorted({f for sites in self.region.site_fsa for f in sites})
        index = {f: i for i, f in enumerate(fsas)}
        table = [[index[f] for f in sites] for sites in self.region.site_fsa]
        counts = np.array([len(t) for t in table])
        flat = np.array([i for t in table for i in t])
        offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        choice = offset[agency] + (client * 7 + agency) % counts[agency]
        return cat(fsas, flat[choice])

    def site_size(self, client: np.ndarray, agency: np.ndarray) -> np.ndarray:
        """Community size of the site `site_fsa` gives the client at the agency."""
        counts = np.array([len(sizes) for sizes in self.region.site_size])
        flat = np.array([size for sizes in self.region.site_size for size in sizes])
        offset = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return flat[offset[agency] + (client * 7 + agency) % counts[agency]]

    def base(self, client: np.ndarray, agency: np.ndarray, day: np.ndarray) -> pd.DataFrame:
        c = self.clients
        return pd.DataFrame(
            {
                "client": client.astype(np.int32),
                "agency": agency.astype(np.int16),
                "day": day.astype(np.int32),
                "client_key": c["client_key"].to_numpy()[client],
                "client_birth_year": c["birth_year"].to_numpy()[client],
                "postal_fsa": self.site_fsa(client, agency),
            }
        )

    def support(self, frame: pd.DataFrame, share: float = 0.15) -> pd.DataFrame:
        n = len(frame)
        received = self.rng.random(n) < share
        frame["support_received_ind"] = yes_no(received)
        for column, p in (("childminding_ind", 0.4), ("transportation_ind", 0.5), ("interpretation_ind", 0.3)):
            frame[column] = yes_no(self.rng.random(n) < p, blank=~received)
        return frame

    # ---- clients ---------------------------------------------------------------------------
    def make_clients(self, keys: list[str], ucis: np.ndarray) -> pd.DataFrame:
        rng, p, n = self.rng, self.p, self.n
        gender = rng.choice(list(p.gender_shares), size=n, p=list(p.gender_shares.values()))
        imm = rng.choice(list(p.immigration_shares), size=n, p=list(p.immigration_shares.values()))
        refugee = np.isin(imm, REFUGEE_CATEGORIES)
        band = rng.choice(list(p.age_band_shares), size=n, p=list(p.age_band_shares.values()))
        low = np.select([band == "0-14", band == "15-24", band == "25-64"], [0, 15, 25], 65)
        high = np.select([band == "0-14", band == "15-24", band == "25-64"], [14, 24, 64], 85)
        age = rng.integers(low, high + 1)
        offlang = rng.choice(list(p.official_language_shares), size=n, p=list(p.official_language_shares.values()))
        first_day = rng.integers(self.start, self.end + 1, size=n)
        median = np.array([p.median_days_to_first_service[c] for c in imm])
        delay = np.rint(median * np.exp(rng.normal(0.0, p.days_to_first_service_sigma, size=n))).astype(np.int32)
        arrival = first_day - delay
        arrival_year = (pd.to_datetime(arrival, unit="D").year).to_numpy()
        home = rng.choice(self.region.n, size=n, p=self.region.weight)
        # A latent speaking level for everyone: employment depends on it even without training.
        clb_group = np.where(refugee, "refugee", "other")
        clb_mean = np.array([p.initial_clb_mean[g] for g in clb_group])
        latent = np.clip(np.rint(rng.normal(clb_mean, 1.4)), 1, 11).astype(np.int8)
        self.clients = pd.DataFrame(
            {
                "client_key": keys,
                "uci": ucis,
                "gender": gender,
                "immigration_category": imm,
                "refugee": refugee,
                "age_at_arrival": age,
                "birth_year": arrival_year - age,
                "official_language": offlang,
                "arrival_day": arrival,
                "first_day": first_day,
                "home": home,
                "latent_clb": latent,
                "lgbtq2": rng.choice(["Yes", "No", "Prefer not to answer", ""], size=n, p=[0.04, 0.8, 0.06, 0.1]),
                "disability": rng.choice(["Yes", "No", "Prefer not to answer", ""], size=n, p=[0.06, 0.8, 0.04, 0.1]),
            }
        )
        return self.clients

    def official_language(self, client: np.ndarray) -> pd.Categorical:
        labels = {"english": 0, "french": 1, "unknown_no_preference": 2}
        codes = self.clients["official_language"].map(labels).to_numpy()[client]
        return cat(("English", "French", "Unknown/No preference"), codes)
