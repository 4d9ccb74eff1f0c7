"""Validate one uploaded file against its contract and decide: accepted whole, or rejected whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from accueil.contract import Contract, agencies_contract, code_lists, extract_contract, fold
from accueil.ingest.crosschecks import cross_checks, reference_checks
from accueil.ingest.expectations import SheetResult, run_suite
from accueil.ingest.privacy import cells_flagged, screen
from accueil.ingest.reader import read_upload
from accueil.quarters import Quarter
from accueil.report import Problem, Report, problem

_DATE_LIKE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")


@dataclass
class Outcome:
    report: Report
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)  # normalised text, ready to load
    gx: list[SheetResult] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.report.accepted


def normalise(contract: Contract, sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One spelling per value: code labels in English, ISO dates, upper-case FSAs, lower-case keys."""
    lists = code_lists()
    out = {}
    for name, frame in sheets.items():
        frame = frame.copy()
        for column in contract.sheet(name).columns:
            values = frame[column.name].astype(str).str.strip()
            if column.type == "code":
                lookup = lists[column.codelist].lookup()
                mapping = {v: lookup[fold(v)].label_en for v in values.unique() if v and fold(v) in lookup}
                values = values.map(lambda v, m=mapping: m.get(v, v))
            elif column.type == "date":
                values = values.map(_iso_date)
            elif column.type in ("fsa", "agency_code", "quarter"):
                values = values.str.upper().str.replace(" ", "", regex=False)
            elif column.type == "client_key":
                values = values.str.lower()
            frame[column.name] = values
        out[name] = frame
    return out


def _iso_date(text: str) -> str:
    match = _DATE_LIKE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _scrub(problems: list[Problem], flagged: set[tuple[str, int, str]]) -> list[Problem]:
    """Never quote a value the privacy screen found to be an identifier."""
    return [
        replace(p, value=None) if (p.sheet, p.row, p.column) in flagged and p.rule != "identifier_value" else p
        for p in problems
    ]


def validate_extract(
    data: bytes,
    *,
    file_name: str,
    agency: str,
    quarter: Quarter,
    sha256: str = "",
    backdate_days: int = 0,
    known_agencies: set[str] | None = None,
) -> Outcome:
    contract = extract_contract()
    report = Report(file_name=file_name, agency=agency, quarter=str(quarter), sha256=sha256)
    parsed = read_upload(data, contract)
    report.problems += parsed.problems
    privacy = screen(contract, parsed.sheets, parsed.unknown)
    report.problems += privacy
    sheets = normalise(contract, parsed.sheets)
    results = [run_suite(contract, contract.sheet(name), frame) for name, frame in sheets.items()]
    for result in results:
        report.problems += result.problems
    if sheets:
        report.problems += reference_checks(contract, sheets)
        report.problems += cross_checks(contract, sheets, quarter, backdate_days, known_agencies)
        if agency and known_agencies is not None and agency not in known_agencies:
            report.problems.append(problem("agency_unknown", value=agency))
        if not any(len(f) for f in sheets.values()) and not report.errors:
            report.problems.append(problem("no_data", "warning"))
    report.problems = _scrub(report.problems, cells_flagged(privacy))
    report.rows_read = {name: len(frame) for name, frame in sheets.items()}
    return Outcome(report, sheets if report.accepted else {}, results)


def validate_agencies(data: bytes, *, file_name: str, sha256: str = "") -> Outcome:
    contract = agencies_contract()
    report = Report(file_name=file_name, sha256=sha256)
    parsed = read_upload(data, contract)
    report.problems += parsed.problems
    sheets = normalise(contract, parsed.sheets)
    results = [run_suite(contract, contract.sheet(name), frame) for name, frame in sheets.items()]
    for result in results:
        report.problems += result.problems
    if sheets:
        report.problems += reference_checks(contract, sheets)
    report.rows_read = {name: len(frame) for name, frame in sheets.items()}
    return Outcome(report, sheets if report.accepted else {}, results)
