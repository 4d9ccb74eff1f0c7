"""The generator's entry point: options in; a region's extracts, agencies.xlsx and truth.json out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from accueil.generate.extracts import write_agencies, write_extracts
from accueil.generate.indicators import write_observations
from accueil.generate.params import Params
from accueil.generate.population import simulate
from accueil.generate.region import build_region
from accueil.generate.simulation import Simulation
from accueil.generate.survey import write_surveys
from accueil.generate.truth import planted_summary
from accueil.pseudonym import client_key
from accueil.quarters import Quarter

DEFAULT_START = Quarter(2024, 1)


@dataclass(frozen=True)
class GenerateOptions:
    out: Path
    seed: int = 1
    agencies: int = 12
    quarters: int = 8
    clients: int = 20_000
    start: Quarter = DEFAULT_START
    format: str = "xlsx"  # or "zip": one CSV per sheet
    identified: bool = False  # also write identified/: iCARE workbooks with fictitious identifiers, and the key


def partnership_key(seed: int) -> bytes:
    """The fictitious partnership key of a generated region (never a real agency's key)."""
    return hashlib.sha256(f"accueil-sample-partnership:{seed}".encode()).digest()


def generate(options: GenerateOptions, progress: Callable[[int, int], None] | None = None) -> dict:
    """Generate the region; returns the truth that was also written to truth.json."""
    rng = np.random.default_rng(options.seed)
    params = Params()
    quarters = options.start.series(options.quarters)
    region = build_region(rng, options.agencies, quarters)
    ucis = _unique_ucis(rng, options.clients)
    key = partnership_key(options.seed)
    keys = [client_key(key, "FOSS/GCMS Client ID", u) for u in ucis]
    sim = Simulation(rng, params, region, options.clients, quarters[0].start, quarters[-1].end, voice_seed=options.seed)
    sim.make_clients(keys, ucis)
    population = simulate(sim)

    options.out.mkdir(parents=True, exist_ok=True)
    identified_key = key if options.identified else None
    files = write_extracts(options.out, options.format, population, region, quarters, progress, identified_key)
    write_agencies(options.out, region)
    write_observations(options.out, population.clients["first_day"].to_numpy(), quarters, options.seed)
    truth = {
        "generator": "accueil generate",
        "seed": options.seed,
        "agencies": options.agencies,
        "quarters": [str(q) for q in quarters],
        "clients": options.clients,
        "format": options.format,
        "files": files,
        "rows": {name: len(frame) for name, frame in population.sheets.items()},
        "parameters": params.to_json(),
        "planted": planted_summary(population, params),
        "surveys": write_surveys(options.out, population.sheets, region.codes, quarters, options.seed),
    }
    (options.out / "truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return truth


def _unique_ucis(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct fictitious eight-digit client ids, in a random order."""
    draws = rng.integers(10_000_000, 100_000_000, size=int(n * 1.05) + 100)
    _, first = np.unique(draws, return_index=True)
    return draws[np.sort(first)][:n]
