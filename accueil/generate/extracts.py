"""The simulated population written as files: one extract per agency and quarter, and agencies.xlsx.

Rows are ordered and numbered here: record ids run per agency over the whole period
(``{AGENCY}-{SHEET}-0000001``), so they never repeat from one quarter to the next.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from accueil.contract import agencies_contract, code_lists, extract_contract
from accueil.contract.record_ids import SHEET_ABBREVIATIONS
from accueil.generate.identified import IdentifiedWriter
from accueil.generate.population import Population
from accueil.generate.region import FAR_FSAS, FAR_SHARE, OUTLYING_FSAS, OUTLYING_SHARE, Region
from accueil.generate.vectors import EPOCH, day_number
from accueil.quarters import Quarter
from accueil.workbook import write_csv_zip, write_workbook


class _Cells:
    """Turns bookkeeping values (day numbers, categoricals) into cell values for one file."""

    def __init__(self, first_day: int, last_day: int):
        self.first = first_day
        days = np.arange(first_day, last_day + 1)
        self.iso = np.array([(EPOCH + timedelta(days=int(d))).isoformat() for d in days], dtype=object)

    def column(self, series: pd.Series, kind: str) -> list:
        if kind == "date":
            values = series.to_numpy(dtype=float)
            out = np.full(len(values), "", dtype=object)
            ok = ~np.isnan(values)
            # Day numbers count from 1970-01-01 (vectors.EPOCH), numpy's own epoch.  Not looked up
            # in `iso`: an arrival more than ten years before the first quarter (a long tail at
            # national scale) would index it from the end and come out ten years in the future.
            out[ok] = np.datetime_as_string(values[ok].astype(np.int64).astype("datetime64[D]"), unit="D")
            return out.tolist()
        if isinstance(series.dtype, pd.CategoricalDtype):
            return series.astype(object).where(series.notna(), "").tolist()
        if series.dtype == object or series.hasnans:
            return series.astype(object).where(series.notna(), "").tolist()
        return series.tolist()


def write_extracts(
    out: Path,
    fmt: str,
    population: Population,
    region: Region,
    quarters: list[Quarter],
    progress,
    identified_key: bytes | None,
) -> list[str]:
    """One file per agency and quarter with rows (xlsx, or a zip of CSVs); with a key, the identified copies too."""
    contract = extract_contract()
    starts = np.array([day_number(q.start) for q in quarters])
    nq = len(quarters)
    cells = _Cells(day_number(quarters[0].start) - 3660, day_number(quarters[-1].end) + 3660)

    ordered: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
    for name, frame in population.sheets.items():
        q = np.searchsorted(starts, frame["day"].to_numpy(), side="right") - 1
        file_key = frame["agency"].to_numpy().astype(np.int64) * nq + q
        order = np.lexsort((frame["client"].to_numpy(), frame["day"].to_numpy(), file_key))
        frame = frame.iloc[order].reset_index(drop=True)
        file_key = file_key[order]
        agency = frame["agency"].to_numpy()
        # Record ids run per agency over the whole period, so they never repeat.
        within = np.arange(len(frame)) - np.searchsorted(agency, agency, side="left")
        frame["record_id"] = [
            f"{region.codes[a]}-{SHEET_ABBREVIATIONS[name]}-{i + 1:07d}" for a, i in zip(agency, within, strict=True)
        ]
        ordered[name] = (frame, file_key)

    profile = _profile_columns(population.clients, region)
    courses = {c["course_cd"]: c for agency_courses in region.courses for c in agency_courses}
    course_start = day_number(quarters[0].start) - 91
    identified = IdentifiedWriter(out, population.clients, identified_key) if identified_key else None
    files: list[str] = []
    total = region.n * nq
    done = 0
    for a in range(region.n):
        for qi, quarter in enumerate(quarters):
            key = a * nq + qi
            rows: dict[str, list] = {}
            clients_here: list[np.ndarray] = []
            course_codes: set[str] = set()
            for name, (frame, file_key) in ordered.items():
                lo, hi = np.searchsorted(file_key, key, "left"), np.searchsorted(file_key, key, "right")
                if lo == hi:
                    continue
                part = frame.iloc[lo:hi]
                clients_here.append(part["client"].to_numpy())
                if "course_cd" in part:
                    course_codes.update(part["course_cd"])
                rows[name] = _rows(contract.sheet(name), part, cells)
            done += 1
            if not rows:
                if progress:
                    progress(done, total)
                continue
            clients = np.unique(np.concatenate(clients_here))
            rows["Client Profile"] = _rows(contract.sheet("Client Profile"), profile.iloc[clients], cells)
            rows["LT Course Setup"] = [_course_row(courses[c], course_start, cells) for c in sorted(course_codes)]
            path = out / f"{region.codes[a]}_{quarter}.{fmt}"
            if fmt == "zip":
                write_csv_zip(path, contract, rows)
            else:
                write_workbook(path, contract, rows, f"Accueil extract {region.codes[a]} {quarter}")
            files.append(path.name)
            if identified:
                identified.write(a, region.codes[a], quarter, rows)
            if progress:
                progress(done, total)
    return files


def _rows(sheet, part: pd.DataFrame, cells: _Cells) -> list[tuple]:
    columns = []
    for column in sheet.columns:
        if column.name in part:
            columns.append(cells.column(part[column.name], column.type))
        else:
            columns.append([""] * len(part))
    return list(zip(*columns, strict=True))


def _profile_columns(clients: pd.DataFrame, region: Region) -> pd.DataFrame:
    lists = code_lists()
    gender = {v.code: v.label_en for v in lists["gender"].values}
    category = {v.code: v.label_en for v in lists["immigration_category"].values}
    language = {"english": "English", "french": "French", "unknown_no_preference": "Unknown/No preference"}
    home_fsa = np.array([sites[0] for sites in region.site_fsa], dtype=object)
    index = np.arange(len(clients))
    return pd.DataFrame(
        {
            "client_key": clients["client_key"],
            "client_birth_year": clients["birth_year"],
            "postal_fsa": _residence(home_fsa[clients["home"].to_numpy()], index),
            "province_id": "Ontario",
            "official_language_id": clients["official_language"].map(language),
            "consent_ind": np.where(index * 31 % 10 < 8, "Yes", "No"),
            "gender_id": clients["gender"].map(gender),
            "immigration_category_id": clients["immigration_category"].map(category),
            "arrival_dt": clients["arrival_day"],
            "lgbtq2_ind": clients["lgbtq2"],
            "disability_ind": clients["disability"],
        }
    )


def _residence(home: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The FSA each client lives in: their home site's, or for a fixed share of the clients of a
    small-centre or rural site one of the FSAs around it (OUTLYING_FSAS), chosen by index, not drawn,
    so that the generator's other draws stay as they were; and a few clients of any site far out (FAR_FSAS)."""
    out = home.copy()
    moved = (index * 37 % 100) < OUTLYING_SHARE * 100
    for site, around in OUTLYING_FSAS.items():
        here = moved & (home == site)
        out[here] = np.array(around, dtype=object)[index[here] % len(around)]
    far = (index * 37 % 1000) < FAR_SHARE * 1000
    out[far] = np.array(FAR_FSAS, dtype=object)[index[far] % len(FAR_FSAS)]
    return out


def _course_row(course: dict, start_day: int, cells: _Cells) -> tuple:
    values = {
        "course_cd": course["course_cd"],
        "held_on_ongoing_basis_ind": "Yes",
        "official_language_id": course["official_language_id"],
        "training_format_id": "Classroom",
        "training_location_id": "Community organization",
        "total_spots_num": 20,
        "course_enrolment_id": "Monthly",
        "start_dt": cells.iso[start_day - cells.first],
        "end_dt": "",
        "instructional_hours_per_class": course["instructional_hours_per_class"],
        "classes_per_week": course["classes_per_week"],
        "weeks_of_instruction": 40,
        "course_dominant_focus_id": "General/all of the above",
        "target_group_ind": "No",
    }
    return tuple(values.get(name, "") for name in extract_contract().sheet("LT Course Setup").column_names)


def write_agencies(out: Path, region: Region) -> None:
    contract = agencies_contract()
    tables = {
        "Agencies": region.agencies,
        "Sites": region.sites,
        "Site services": region.site_services,
        "Programs": region.programs,
        "Funding": region.funding,
    }
    rows = {
        name: [tuple(r) for r in tables[name][contract.sheet(name).column_names].itertuples(index=False)]
        for name in tables
    }
    write_workbook(out / "agencies.xlsx", contract, rows, "Accueil agency reference data")
