"""The language each service was given in, and the planted chance that francophones are served in French."""

from __future__ import annotations

import numpy as np
import pandas as pd

from accueil.generate.simulation import Simulation
from accueil.generate.vectors import cat

# The sheets whose services have a language of service, with its column and stream.  Language
# training and assessment are left out: their language is the one being learned.
SERVICE_LANGUAGE = {
    "Needs Assessment&Referrals": ("assessment_language_id", "needs_assessment"),
    "Info&Orien": ("service_language_id", "information_orientation"),
    "Employment": ("session_service_lang_id", "employment"),
    "Community Connections": ("service_lang_id", "community_connections"),
}


def service_language(sim: Simulation, sheets: dict[str, pd.DataFrame]) -> None:
    """English for everyone but francophones, who are served in French where their draw is under
    the agency's probability; records each francophone's planted chance, per stream and overall."""
    p, c = sim.p, sim.clients
    french_agency = sim.region.agencies["report_language_id"].to_numpy() == "French"
    chance = np.where(french_agency, p.french_service["french_agency"], p.french_service["other"])
    draw = sim.voice_rng.random(sim.n)
    francophone = c["official_language"].to_numpy() == "french"
    used = []
    for sheet, (column, stream) in SERVICE_LANGUAGE.items():
        if sheet not in sheets:
            continue
        frame = sheets[sheet]
        client, agency = frame["client"].to_numpy(), frame["agency"].to_numpy()
        in_french = francophone[client] & (draw[client] < chance[agency])
        frame[column] = cat(("English", "French"), in_french.astype(int))
        rows = francophone[client]
        used.append(pd.DataFrame({"client": client[rows], "stream": stream, "p": chance[agency[rows]]}))
    if not used:
        return
    # One draw per client: all of a client's services are in French when the draw is under
    # every agency's chance, the smallest of them.
    per_stream = pd.concat(used, ignore_index=True).groupby(["client", "stream"], as_index=False)["p"].min()
    overall = per_stream.groupby("client", as_index=False)["p"].min().assign(stream="all")
    sim.truth.french = pd.concat([per_stream, overall], ignore_index=True)
