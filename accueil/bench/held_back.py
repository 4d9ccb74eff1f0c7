"""The data a bench run builds on: a generated region, minus two agencies' last quarters held back.

The region is generated as zips of CSVs (`accueil generate --format zip`: the fast form at
national scale, and the one the baseline reads).  Two extracts of the last quarter are held
back for the incremental runs: one agency's as the `.zip` it was generated as, another
agency's as the `.xlsx` workbook agencies send, written from its CSVs by the generator's own
writer (`accueil.workbook.write_workbook`) with the cells the generator gives a workbook:
numbers for the contract's integer, decimal and year columns, text for every other.  The
result is byte for byte the file `accueil generate --format xlsx` writes for that extract
(tests/test_bench.py), without generating the region a second time.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from accueil.bench.scales import BenchOptions

# The contract's column types whose cells the generator writes as numbers in a workbook.
NUMERIC_TYPES = frozenset({"integer", "decimal", "year"})
FORMATS = ("xlsx", "zip")  # the held-back files, in the order the bench uploads them


@dataclass(frozen=True)
class Generated:
    data: Path  # agencies.xlsx, truth.json and every extract the full build loads
    held_back: dict[str, Path]  # format -> the held-back extract in that format
    truth: dict
    generate_s: float | None  # None when the data of an earlier run was reused


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def zip_to_workbook(source: Path, target: Path) -> Path:
    """An extract's zip of CSVs as the workbook the generator would have written for it."""
    from accueil.contract import extract_contract
    from accueil.workbook import write_workbook

    contract = extract_contract()
    rows: dict[str, list[list]] = {}
    with zipfile.ZipFile(source) as archive:
        for sheet in contract.sheets:
            with archive.open(sheet.csv_name) as handle:
                reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8", newline=""))
                header = next(reader)
                if header != sheet.column_names:
                    raise ValueError(f"{source.name}: {sheet.csv_name} is not in the contract's column order")
                numeric = [sheet.column(name).type in NUMERIC_TYPES for name in header]
                rows[sheet.name] = [
                    [(_number(v) if n else v) if v != "" else None for v, n in zip(row, numeric, strict=True)]
                    for row in reader
                ]
    agency, quarter = source.stem.split("_")
    write_workbook(target, contract, rows, f"Accueil extract {agency} {quarter}")
    return target


def generated(options: BenchOptions, log: Callable[[str], None]) -> Generated:
    """The region's extracts and the two held back, reused when the sizes match."""
    from accueil.generate import GenerateOptions, generate

    data, late = options.work / "data", options.work / "late"
    wanted = {
        "seed": options.seed,
        "agencies": options.agencies,
        "quarters": options.quarters,
        "clients": options.clients,
        "start": str(options.start),
        "format": "zip",
        "held_back": list(FORMATS),
    }
    stamp = options.work / "generated.json"
    recorded = json.loads(stamp.read_text()) if stamp.exists() else {}
    if recorded.get("options") == wanted:  # an older stamp (one file held back) has other options
        held_back = {fmt: late / name for fmt, name in recorded["late"].items()}
        if all(path.exists() for path in held_back.values()):
            return Generated(data, held_back, json.loads((data / "truth.json").read_text()), None)
    stamp.unlink(missing_ok=True)  # written again only once the data is complete
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(late, ignore_errors=True)
    log(f"generating {options.agencies} agencies x {options.quarters} quarters, {options.clients:,} clients ...")
    started = time.perf_counter()
    truth = generate(
        GenerateOptions(
            out=data,
            seed=options.seed,
            agencies=options.agencies,
            quarters=options.quarters,
            clients=options.clients,
            start=options.start,
            format="zip",
        )
    )
    last = truth["quarters"][-1]
    candidates = sorted(f for f in truth["files"] if f.endswith(f"_{last}.zip"))
    if len(candidates) < 2:
        raise ValueError("the bench holds back two agencies' last quarters: it needs at least two agencies")
    late.mkdir(parents=True)
    zip_name, xlsx_source = candidates[0], candidates[1]
    shutil.move(data / zip_name, late / zip_name)
    shutil.move(data / xlsx_source, late / xlsx_source)
    workbook = zip_to_workbook(late / xlsx_source, late / Path(xlsx_source).with_suffix(".xlsx").name)
    (late / xlsx_source).unlink()
    seconds = time.perf_counter() - started
    held_back = {"xlsx": workbook, "zip": late / zip_name}
    stamp.write_text(
        json.dumps(
            {"options": wanted, "late": {fmt: path.name for fmt, path in held_back.items()}, "generate_s": seconds},
            indent=2,
        )
        + "\n"
    )
    return Generated(data, held_back, truth, seconds)
