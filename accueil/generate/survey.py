"""The sample region's client feedback files: each agency's exit survey of its last two quarters.

Respondents are drawn among the clients the agency served in the quarter (any stream; the
stream asked about is the first one they had there that quarter), so their client keys are
real pseudonymous keys of the extracts; some leave the key blank, as a survey tool without it
would.  Each item has a planted chance of agreeing (4 or 5) or of a yes, the same in every
agency and stream, and a small chance of being skipped (a skipped item is a response that
does not agree, docs/measures.md): the rate `truth.json` plants is the chance of agreeing
among responses, p x (1 - skip).

The files alternate between CSV (even agencies) and XLSX (odd), so that the sample loads
both forms.  Drawn from a generator of their own, seeded from the region's seed: the
extracts are the same bytes whether or not surveys are written.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from accueil.contract import code_lists, survey_contract
from accueil.quarters import Quarter
from accueil.workbook import write_workbook

SURVEY_ID = "EXIT"
FOLDER = "surveys"
RESPONSE_SHARE = 0.25  # of the clients an agency served in the quarter
KEY_SHARE = 0.7  # respondents who give their client key
SKIP = 0.03  # chance that an item is left blank
# The chance of agreeing (Likert 4-5) or of a yes, when the item is answered.
PLANTED = {
    "welcomed": 0.88,
    "understood": 0.78,
    "own_language": 0.70,
    "helped": 0.74,
    "more_confident": 0.62,
    "got_help_needed": 0.80,
    "would_recommend": 0.85,
    "knows_where_next": 0.58,
}
LIKERT = ("welcomed", "understood", "own_language", "helped", "more_confident")
# The extract sheet of each stream's services.
STREAM_SHEETS = {
    "Needs Assessment&Referrals": "needs_assessment",
    "Info&Orien": "information_orientation",
    "Employment": "employment",
    "Community Connections": "community_connections",
    "LT Client Enrol": "language_training",
    "Language Assessment": "language_assessment",
}
_EPOCH = date(1970, 1, 1)


def survey_quarters(quarters: list[Quarter], today: date | None = None) -> list[Quarter]:
    """The last two quarters of the region, but none still to come (the contract refuses them)."""
    now = Quarter.current(today)
    return [q for q in quarters[-2:] if q <= now]


def _services(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "agency": frame["agency"].to_numpy(),
                "day": frame["day"].to_numpy(),
                "client_key": frame["client_key"].to_numpy(),
                "stream": stream,
            }
        )
        for name, stream in STREAM_SHEETS.items()
        if (frame := sheets.get(name)) is not None
    ]
    return pd.concat(frames, ignore_index=True).sort_values(["agency", "day", "stream", "client_key"], kind="stable")


def write_surveys(out: Path, sheets: dict[str, pd.DataFrame], agency_codes, quarters: list[Quarter], seed: int) -> dict:
    """Write surveys/{AGENCY}_EXIT_{YYYYQn}.csv|.xlsx; returns what truth.json says of them."""
    rng = np.random.default_rng([seed, 20])
    labels = {v.code: v.label_en for v in code_lists()["service_stream"].values}
    services = _services(sheets)
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    contract = survey_contract()
    header = contract.sheet("Responses").column_names
    files, responses = [], 0
    for quarter in survey_quarters(quarters):
        first = (quarter.start - _EPOCH).days
        last = (quarter.end - _EPOCH).days
        within = services[(services["day"] >= first) & (services["day"] <= last)]
        for number, code in enumerate(agency_codes):
            served = within[within["agency"] == number].drop_duplicates("client_key", keep="first")
            chosen = served[rng.random(len(served)) < RESPONSE_SHARE]
            rows = [
                _response(rng, quarter, code, i, key, labels[stream])
                for i, (key, stream) in enumerate(zip(chosen["client_key"], chosen["stream"], strict=True), start=1)
            ]
            if not rows:
                continue
            responses += len(rows)
            name = f"{code}_{SURVEY_ID}_{quarter}.{'csv' if number % 2 == 0 else 'xlsx'}"
            if number % 2 == 0:
                with (folder / name).open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(header)
                    writer.writerows(rows)
            else:
                write_workbook(folder / name, contract, {"Responses": rows}, f"{SURVEY_ID} {code} {quarter}")
            files.append(f"{FOLDER}/{name}")
    return {
        "survey_id": SURVEY_ID,
        "periods": [str(q) for q in survey_quarters(quarters)],
        "files": files,
        "responses": responses,
        "skip": SKIP,
        # The chance of agreeing among responses, the rate fct_survey_results estimates.
        "planted": {item: round(p * (1 - SKIP), 6) for item, p in PLANTED.items()},
    }


def _response(rng: np.random.Generator, quarter: Quarter, agency: str, number: int, key: str, stream: str) -> list:
    row = [SURVEY_ID, str(quarter), agency, f"{agency}-{quarter}-{number:05d}", key if rng.random() < KEY_SHARE else ""]
    row.append(stream)
    for item, p in PLANTED.items():
        skipped, agrees, level = rng.random() < SKIP, rng.random() < p, rng.random()
        if skipped:
            row.append("")
        elif item in LIKERT:
            row.append(str(4 + int(level < 0.5)) if agrees else str(1 + int(level * 3)))
        else:
            row.append("Yes" if agrees else "No")
    return row
