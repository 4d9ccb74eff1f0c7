"""Problems that show across rows, and the last look for direct identifiers before anything is written.

* one identifier with several dates of birth (``birth_date_conflict``, warning);
* a course code of LT Client Enrol or LT Client Exit that LT Course Setup does not
  have (``course_code_mismatch``, warning);
* a service dated outside the quarter (``date_outside_quarter``, warning);
* a free-text cell of the extract (course code, record id, agency code) that looks like an
  e-mail address, a phone number, a full postal code or one of the input's client
  identifiers (``identifier_value``, error: it would carry a direct identifier out).  It runs
  before record ids are derived, so it looks at the agency's own record ids only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from accueil.anonymise.transform import OutRow, masked
from accueil.contract import Contract
from accueil.pseudonym import normalise_identifier
from accueil.quarters import Quarter
from accueil.report import Problem, problem

# As strict as the warehouse's privacy screen, so that what is written here is not quarantined there.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w-])|(?<![\w-])\d{10}(?![\w-])")
POSTAL = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d(?![A-Za-z0-9])")
FREE_TEXT = ("text", "course_code", "agency_code", "record_id")
MIN_IDENTIFIER_LENGTH = 6  # shorter identifiers would match ordinary codes by chance


def birth_dates(rows: dict[str, list[OutRow]]) -> list[Problem]:
    """One warning per identifier and date of birth that differs from the identifier's most common one."""
    seen: dict[tuple, dict[dt.date, list[OutRow]]] = defaultdict(lambda: defaultdict(list))
    for sheet_rows in rows.values():
        for row in sheet_rows:
            if row.identity is not None and row.birth is not None:
                seen[row.identity][row.birth].append(row)
    problems = []
    for dates in seen.values():
        if len(dates) < 2:
            continue
        ranked = sorted(dates.items(), key=lambda kv: -len(kv[1]))  # ties: the date seen first comes first
        where = "; ".join(f"{found[0].sheet} row {found[0].row}" for _, found in ranked)
        for _, found in ranked[1:]:
            first = found[0]
            problems.append(
                problem(
                    "birth_date_conflict",
                    "warning",
                    sheet=first.sheet,
                    row=first.row,
                    column="client_birth_dt",
                    count=len(dates),
                    dates=where,
                )
            )
    return problems


def course_codes(contract: Contract, rows: dict[str, list[OutRow]]) -> list[Problem]:
    setup = contract.sheet("LT Course Setup")
    position = setup.column_names.index("course_cd")
    known = {r.values[position] for r in rows.get(setup.name, []) if r.values[position] != ""}
    problems = []
    for name in ("LT Client Enrol", "LT Client Exit"):
        sheet = contract.sheet(name)
        column = sheet.column_names.index("course_cd")
        for row in rows.get(name, []):
            code = row.values[column]
            if code != "" and code not in known:
                problems.append(
                    problem(
                        "course_code_mismatch", "warning", sheet=row.sheet, row=row.row, column="course_cd", value=code
                    )
                )
    return problems


def quarter_dates(contract: Contract, rows: dict[str, list[OutRow]], quarter: Quarter) -> list[Problem]:
    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    problems = []
    for sheet in contract.sheets:
        positions = [(sheet.column_names.index(c), c) for c in sheet.event_date]
        if not positions:
            continue
        for row in rows.get(sheet.name, []):
            dated = next(((row.values[p], c) for p, c in positions if row.values[p] != ""), None)
            if dated and not start <= dated[0] <= end:
                problems.append(
                    problem(
                        "date_outside_quarter",
                        "warning",
                        sheet=row.sheet,
                        row=row.row,
                        column=dated[1],
                        value=dated[0],
                        quarter=str(quarter),
                        start=start,
                        end=end,
                    )
                )
    return problems


def leaks(contract: Contract, rows: dict[str, list[OutRow]], identifiers: set[str]) -> list[Problem]:
    """Errors for free-text cells that still look like a direct identifier."""
    known = {i for i in identifiers if len(i) >= MIN_IDENTIFIER_LENGTH}
    problems = []
    for sheet in contract.sheets:
        positions = [(i, c.name) for i, c in enumerate(sheet.columns) if c.type in FREE_TEXT]
        for row in rows.get(sheet.name, []):
            for position, name in positions:
                value = row.values[position]
                if not isinstance(value, str) or value == "":
                    continue
                kind = _looks_like(value, known)
                if kind:
                    problems.append(
                        problem(
                            "identifier_value",
                            sheet=row.sheet,
                            row=row.row,
                            column=name,
                            value=masked(value),
                            kind=kind,
                        )
                    )
    return problems


def _looks_like(value: str, identifiers: set[str]) -> str | None:
    if EMAIL.search(value):
        return "an e-mail address"
    if PHONE.search(value):
        return "a phone number"
    if POSTAL.search(value):
        return "a postal code"
    parts = [normalise_identifier(value), *(p.lstrip("0") for p in re.findall(r"\d{6,}", value))]
    if any(part in identifiers for part in parts):
        return "a client identifier"
    return None
