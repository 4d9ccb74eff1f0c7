"""Access to services recomputed from the files alone, as docs/measures.md ("Service access") writes it.

Plain Python and pandas: the haversine distance from the centroid file (seeds/fsa_centroids.csv,
read with the csv module), the sample region's agency file and extracts, and no warehouse code.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from tests.raw_extracts import STREAMS, read_region, read_workbook
from tests.reference_measures import LANGUAGE, quarter_of, services

ROOT = Path(__file__).resolve().parents[1]
EARTH_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def centroids() -> dict[str, tuple[float, float, str]]:
    with (ROOT / "seeds" / "fsa_centroids.csv").open(encoding="utf-8", newline="") as handle:
        return {
            r["fsa"]: (float(r["latitude"]), float(r["longitude"]), r["community_size_code"])
            for r in csv.DictReader(handle)
        }


def site_streams(agencies: dict[str, pd.DataFrame], places: dict) -> list[tuple[str, str, float, float]]:
    """(site, stream, latitude, longitude): the site's own coordinates, else its FSA's centroid."""
    sites = agencies["Sites"].set_index("site_cd")
    out = []
    for site, label in set(
        zip(agencies["Site services"]["site_cd"], agencies["Site services"]["stream_id"], strict=True)
    ):
        row = sites.loc[site]
        if str(row["latitude"]).strip():
            lat, lon = float(row["latitude"]), float(row["longitude"])
        elif row["site_fsa"] in places:
            lat, lon = places[row["site_fsa"]][:2]
        else:
            continue
        out.append((site, STREAMS[label], lat, lon))
    return out


def nearest(fsas, sites, places) -> dict[tuple[str, str], tuple[str | None, float | None]]:
    """(FSA, stream) -> (nearest site, km); ties to the lowest site code; (None, None) when none offers it."""
    out = {}
    for fsa in fsas:
        lat, lon = places[fsa][:2]
        for stream in STREAMS.values():
            found = [(haversine_km(lat, lon, s_lat, s_lon), site) for site, s, s_lat, s_lon in sites if s == stream]
            km, site = min(found) if found else (None, None)
            out[(fsa, stream)] = (site, km)
    return out


def access_cells(region: Path) -> tuple[pd.DataFrame, dict]:
    """Per quarter, stream, breakdown and group: clients, and those beyond 25 and 50 km; and the
    nearest site and distance of every (residence FSA, stream)."""
    places = centroids()
    sheets = read_region(str(region))
    agencies = read_workbook(region / "agencies.xlsx")
    profile = sheets["Client Profile"].sort_values(["quarter", "agency"]).drop_duplicates("client_key", keep="last")
    profile = profile.set_index("client_key")
    events = services(sheets)
    served = pd.DataFrame({"period": quarter_of(events["date"]), "client_key": events["client_key"]})
    served = served.drop_duplicates()
    served["fsa"] = served["client_key"].map(profile["postal_fsa"])
    served = served[served["fsa"].isin(list(places))].copy()
    served["community_size"] = served["fsa"].map(lambda f: places[f][2])
    language = profile["official_language_id"].map(LANGUAGE).fillna("unknown")
    served["official_language"] = served["client_key"].map(language)
    far = nearest(sorted(set(served["fsa"])), site_streams(agencies, places), places)
    rows = []
    for stream in STREAMS.values():
        km = served["fsa"].map(lambda f, s=stream: far[(f, s)][1])
        frame = served.assign(
            near=km.isna() | (km > 25),
            far=km.isna() | (km > 50),
        )
        for breakdown, column in (
            ("all", None),
            ("fsa", "fsa"),
            ("community_size", "community_size"),
            ("official_language", "official_language"),
        ):
            keys = ["period"] + ([column] if column else [])
            grouped = (
                frame.groupby(keys)
                .agg(clients=("client_key", "size"), beyond_25=("near", "sum"), beyond_50=("far", "sum"))
                .reset_index()
            )
            for r in grouped.itertuples(index=False):
                group = getattr(r, column) if column else "all"
                size = places[group][2] if breakdown == "fsa" else (group if breakdown == "community_size" else None)
                rows.append((r.period, stream, breakdown, group, size, r.clients, r.beyond_25, r.beyond_50))
    cells = pd.DataFrame(
        rows,
        columns=[
            "period",
            "stream_code",
            "breakdown",
            "group_code",
            "community_size_code",
            "clients",
            "beyond_25",
            "beyond_50",
        ],
    )
    return cells, far
