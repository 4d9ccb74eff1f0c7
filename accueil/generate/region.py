"""The partnership the generator invents: agencies, their sites, programs, courses and funding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from accueil.contract import code_lists
from accueil.quarters import Quarter

STREAMS = (
    "needs_assessment",
    "information_orientation",
    "language_training",
    "employment",
    "community_connections",
    "language_assessment",
)
OPTIONAL_STREAMS = {"language_training": 0.5, "employment": 0.4, "community_connections": 0.5}

# Forward sortation areas by community size.  A zero as second character marks a
# rural FSA in Canada Post's scheme; the small centres are Welland-Port Colborne-like.
URBAN_FSAS = ("L2E", "L2G", "L2H", "L2J", "L2M", "L2N", "L2P", "L2R", "L2S", "L2T", "L2V", "L2W")
SMALL_CENTRE_FSAS = ("L3B", "L3C", "L3K", "L3M")
RURAL_FSAS = ("L0R", "L0S", "L0G", "L0K")
# Where some clients of a small-centre or rural site live instead: real FSAs around it with no site
# of their own (Fort Erie, Dunnville, Hamilton's east end, Holland Landing, Lake Simcoe's and Parry
# Sound's shores), so that the service map has clients far from a stream.  A share of the clients
# whose home site is there live in them (accueil.generate.extracts: their profile's FSA).
OUTLYING_FSAS = {
    "L0S": ("L2A", "N1A"),
    "L0R": ("L8J", "L8W"),
    "L0G": ("L9N", "L3Z"),
    "L0K": ("L0E", "P0E"),
    "L3B": ("N1A",),
    "L3C": ("N1A",),
    "L3K": ("L2A",),
    "L3M": ("L8E",),
}
OUTLYING_SHARE = 0.3
# And a few clients of any site live far out (Port Dover, Brantford: 55 to 90 km from the sites),
# few enough that their FSAs' counts are under the suppression threshold in some quarters.
FAR_FSAS = ("N0A", "N3T")
FAR_SHARE = 0.003
# A site other than an agency's first is a satellite: no language classes or employment programs there.
MAIN_SITE_STREAMS = ("language_training", "employment")
COMMUNITY_SIZES = {"urban": (0.65, URBAN_FSAS), "small_centre": (0.2, SMALL_CENTRE_FSAS), "rural": (0.15, RURAL_FSAS)}

PROGRAM_NAMES = {
    "needs_assessment": ("Settlement Needs and Referrals", "Besoins d'établissement et aiguillage"),
    "information_orientation": (
        "Newcomer Information and Orientation",
        "Information et orientation des nouveaux arrivants",
    ),
    "language_training": (
        "Language Instruction for Newcomers (LINC)",
        "Cours de langue pour les immigrants au Canada (CLIC)",
    ),
    "employment": ("Employment Pathways", "Parcours vers l'emploi"),
    "community_connections": ("Community Connections", "Connexions communautaires"),
    "language_assessment": ("Language Assessment", "Évaluation linguistique"),
}
NAME_WORDS = (
    "Welcome",
    "Newcomer",
    "Bridges",
    "Harbour",
    "Maple",
    "Gateway",
    "Horizons",
    "Compass",
    "Unity",
    "Crossroads",
    "Lakeshore",
    "Valley",
)
NAME_KINDS = ("Centre", "Services", "Network", "Society", "Association", "Hub")


@dataclass
class Region:
    """Agency-level arrays (index = agency number) and the reference tables."""

    codes: np.ndarray  # agency codes, e.g. "AG001"
    weight: np.ndarray  # share of first contacts
    offers: dict[str, np.ndarray]  # stream -> bool per agency
    site_fsa: list[list[str]]
    site_size: list[list[str]]
    courses: list[list[dict]]
    agencies: pd.DataFrame
    sites: pd.DataFrame
    site_services: pd.DataFrame
    programs: pd.DataFrame
    funding: pd.DataFrame

    @property
    def n(self) -> int:
        return len(self.codes)


def build_region(rng: np.random.Generator, n_agencies: int, quarters: list[Quarter]) -> Region:
    codes = np.array([f"AG{i + 1:03d}" for i in range(n_agencies)])
    weight = rng.lognormal(0.0, 0.6, n_agencies)
    weight /= weight.sum()

    offers = {s: np.ones(n_agencies, dtype=bool) for s in ("needs_assessment", "information_orientation")}
    for stream, share in OPTIONAL_STREAMS.items():
        flag = rng.random(n_agencies) < share
        flag[rng.integers(n_agencies)] = True  # every stream exists somewhere in the region
        offers[stream] = flag
    offers["language_assessment"] = offers["language_training"].copy()

    sizes = list(COMMUNITY_SIZES)
    size_p = [COMMUNITY_SIZES[s][0] for s in sizes]
    agency_rows, site_rows, program_rows, funding_rows = [], [], [], []
    site_fsa: list[list[str]] = []
    site_size: list[list[str]] = []
    courses: list[list[dict]] = []
    french = rng.random(n_agencies) < 0.1
    stream_label = {v.code: v.label_en for v in code_lists()["service_stream"].values}
    for a, code in enumerate(codes):
        name = f"{NAME_WORDS[rng.integers(len(NAME_WORDS))]} {NAME_KINDS[rng.integers(len(NAME_KINDS))]} {a + 1}"
        if french[a]:
            name = f"Centre francophone {NAME_WORDS[rng.integers(len(NAME_WORDS))]} {a + 1}"
        agency_rows.append(
            {
                "agency_cd": code,
                "agency_name": name,
                "report_language_id": "French" if french[a] else "English",
                "province_id": "Ontario",
            }
        )
        fsas, kinds = [], []
        for s in range(1 + int(rng.integers(3))):
            size = sizes[rng.choice(len(sizes), p=size_p)]
            pool = COMMUNITY_SIZES[size][1]
            fsa = pool[rng.integers(len(pool))]
            fsas.append(fsa)
            kinds.append(size)
            site_rows.append(
                {
                    "site_cd": f"{code}-S{s + 1}",
                    "agency_cd": code,
                    "site_name": f"{name}, site {s + 1}",
                    "site_fsa": fsa,
                    "community_size_id": _size_label(size),
                    # The FSA's centroid stands for the site; its first site also teaches online.
                    "latitude": "",
                    "longitude": "",
                    "remote_service_id": "Yes" if s == 0 and offers["language_training"][a] else "No",
                }
            )
        site_fsa.append(fsas)
        site_size.append(kinds)
        agency_courses = []
        if offers["language_training"][a]:
            for c in range(2 + int(rng.integers(4))):
                per_class, per_week = [(2.5, 4), (3.0, 5), (2.0, 3), (3.0, 2)][rng.integers(4)]
                agency_courses.append(
                    {
                        "course_cd": f"L-{code}-{c + 1:02d}",
                        "instructional_hours_per_class": per_class,
                        "classes_per_week": per_week,
                        "official_language_id": "French" if french[a] else "English",
                    }
                )
        courses.append(agency_courses)
        for stream in STREAMS:
            if not offers[stream][a]:
                continue
            program_cd = f"{code}-{stream[:3].upper()}{STREAMS.index(stream) + 1}"
            en, fr = PROGRAM_NAMES[stream]
            program_rows.append(
                {
                    "program_cd": program_cd,
                    "agency_cd": code,
                    "program_name_en": en,
                    "program_name_fr": fr,
                    "stream_id": stream_label[stream],
                }
            )
            base = float(rng.uniform(40_000, 250_000)) * (weight[a] * n_agencies) ** 0.5
            for q in quarters:
                funding_rows.append(
                    {
                        "program_cd": program_cd,
                        "quarter": str(q),
                        "amount_cad": round(base * float(rng.uniform(0.9, 1.1)), 2),
                    }
                )
    return Region(
        codes=codes,
        weight=weight,
        offers=offers,
        site_fsa=site_fsa,
        site_size=site_size,
        courses=courses,
        agencies=pd.DataFrame(agency_rows),
        sites=pd.DataFrame(site_rows),
        site_services=_site_services(site_rows, offers, codes, french, stream_label),
        programs=pd.DataFrame(program_rows),
        funding=pd.DataFrame(funding_rows),
    )


def _site_services(site_rows: list[dict], offers, codes, french, stream_label) -> pd.DataFrame:
    """Every site offers its agency's streams (a satellite site not those of MAIN_SITE_STREAMS), in
    English; a francophone agency's in French too.

    Drawn from nothing random, so that the generator's other draws are those it made before sites
    said what they offer."""
    agency = {code: a for a, code in enumerate(codes)}
    rows = []
    for site in site_rows:
        a = agency[site["agency_cd"]]
        languages = ("English", "French") if french[a] else ("English",)
        satellite = not site["site_cd"].endswith("-S1")
        for stream in STREAMS:
            if offers[stream][a] and not (satellite and stream in MAIN_SITE_STREAMS):
                rows += [
                    {"site_cd": site["site_cd"], "stream_id": stream_label[stream], "language_id": lang}
                    for lang in languages
                ]
    return pd.DataFrame(rows)


def _size_label(size: str) -> str:
    return {"urban": "Urban", "small_centre": "Small centre", "rural": "Rural"}[size]
