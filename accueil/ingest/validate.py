"""Validate one uploaded file against its contract and decide: accepted whole, or rejected whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from accueil.contract import Contract, agencies_contract, agencies_contract_v1, code_lists, extract_contract, fold
from accueil.ingest.agency_versions import as_current
from accueil.ingest.bounds import quarter_column_checks, quarter_refused
from accueil.ingest.characters import control_characters
from accueil.ingest.columns import column_arrays, text_frame
from accueil.ingest.covered import quarter_mismatch
from accueil.ingest.crosschecks import (
    CheckedFile,
    batch_tables,
    cross_check_files,
    file_tables,
    known_value_checks,
    reference_checks,
)
from accueil.ingest.expectations import UNQUOTED, SheetResult, run_suite, run_suites
from accueil.ingest.privacy import cells_flagged, screen
from accueil.ingest.reader import grid_texts, read_upload
from accueil.quarters import Quarter
from accueil.report import Problem, Report, problem

_DATE_LIKE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")


@dataclass
class Outcome:
    report: Report
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)  # normalised text, ready to load
    gx: list[SheetResult] = field(default_factory=list)
    read: dict[str, float] = field(default_factory=dict)  # the reading worker's seconds and peak memory
    # An accepted file's rows as staged, by raw table name, when validation made them as Arrow tables.
    staged: dict[str, pa.Table] | None = None

    @property
    def accepted(self) -> bool:
        return self.report.accepted


def normalise(contract: Contract, sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One spelling per value: code labels in English, ISO dates, upper-case FSAs, lower-case keys.

    A file repeats its values, so each distinct text of a column is converted once in
    plain Python.  pandas' string methods, and even its `unique` or `factorize`, cost more
    per column than the conversion itself: a sheet's columns are short and many.
    """
    lists = code_lists()
    out = {}
    for name, frame in sheets.items():
        arrays = column_arrays(frame)
        columns = contract.sheet(name).columns
        table = np.empty((len(frame), len(columns)), dtype=object)
        for number, column in enumerate(columns):
            texts = arrays[column.name]
            spelling = _spelling(column, lists)
            spelled = dict.fromkeys(texts.tolist())
            for text in spelled:
                spelled[text] = spelling(str(text).strip())
            table[:, number] = np.fromiter(map(spelled.__getitem__, texts), dtype=object, count=len(texts))
        out[name] = text_frame(table, [c.name for c in columns], frame.index)
    return out


def _spelling(column, lists):
    """The function that gives a stripped cell of this column its one spelling."""
    if column.type == "code":
        lookup = lists[column.codelist].lookup()
        return lambda v: lookup[fold(v)].label_en if v and fold(v) in lookup else v
    if column.type == "date":
        return _iso_date
    if column.type in ("fsa", "agency_code", "quarter"):
        return lambda v: v.upper().replace(" ", "")
    if column.type == "client_key":
        return str.lower
    return lambda v: v


def _iso_date(text: str) -> str:
    match = _DATE_LIKE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _scrub(problems: list[Problem], flagged: set[tuple[str, int, str]]) -> list[Problem]:
    """Never quote a value the privacy screen found to be an identifier, nor, but in its own
    problem, one that holds invisible characters or is refused as unsafe text."""
    unsafe = {(p.sheet, p.row, p.column) for p in problems if p.rule in UNQUOTED}
    return [
        replace(p, value=None)
        if ((p.sheet, p.row, p.column) in flagged and p.rule != "identifier_value")
        or ((p.sheet, p.row, p.column) in unsafe and p.rule not in UNQUOTED)
        else p
        for p in problems
    ]


@dataclass(frozen=True)
class ExtractFile:
    """One extract to validate, with what its checks need to know about it."""

    data: bytes
    file_name: str
    agency: str
    quarter: Quarter
    sha256: str = ""
    backdate_days: int = 0
    known_agencies: set[str] | None = None


def validate_extract(
    data: bytes,
    *,
    file_name: str,
    agency: str,
    quarter: Quarter,
    sha256: str = "",
    backdate_days: int = 0,
    known_agencies: set[str] | None = None,
    day: date | None = None,
) -> Outcome:
    item = ExtractFile(data, file_name, agency, quarter, sha256, backdate_days, known_agencies)
    return validate_extracts([item], day)[0]


def validate_extracts(files: list[ExtractFile], day: date | None = None) -> list[Outcome]:
    """Each file's own decision; GX validates them all in one run (its cost is per run).

    A file declared for a quarter the contract refuses is not read: its report says why.
    `day` is the date quarters are judged against (by default accueil.quarters.today())."""
    contract = extract_contract()
    reports, privacy, controls, normalised, reads = [], [], [], [], []
    for item in files:
        report = Report(file_name=item.file_name, agency=item.agency, quarter=str(item.quarter), sha256=item.sha256)
        reports.append(report)
        refused = quarter_refused(contract, item.quarter, day)
        if refused is not None:
            report.problems.append(refused)
            reads.append({"seconds": 0.0, "peak_rss_mb": 0.0})
            privacy.append([])
            controls.append([])
            normalised.append({})
            continue
        parsed = read_upload(item.data, contract)
        reads.append(_read_stats(parsed))
        report.problems += parsed.problems
        texts = grid_texts(parsed.grids)
        found = screen(contract, parsed.grids, parsed.unknown, texts)
        report.problems += found
        privacy.append(found)
        controls.append(control_characters(parsed.grids, texts))
        parsed.grids = []  # every cell screened: only the contract's sheets go on
        normalised.append(normalise(contract, parsed.sheets))
    # Like GX's, the cross-sheet checks' cost is per query, not per row: one set for the batch.
    checked = [i for i, sheets in enumerate(normalised) if sheets]
    batch = [
        CheckedFile(normalised[i], files[i].quarter, files[i].backdate_days, files[i].known_agencies, files[i].agency)
        for i in checked
    ]
    tables = batch_tables(contract, batch) if batch else {}
    crossed = dict(zip(checked, cross_check_files(contract, batch, tables), strict=True))
    rows_by_file = dict(zip(checked, file_tables(tables, len(batch)), strict=True))
    outcomes = []
    for number, (item, report, found, control, sheets, results, read) in enumerate(
        zip(files, reports, privacy, controls, normalised, run_suites(contract, normalised), reads, strict=True)
    ):
        for result in results:
            report.problems += result.problems
        report.problems += _not_yet_refused(control, report.problems)
        if sheets:
            mismatch = quarter_mismatch(contract, sheets, item.quarter)
            report.problems += [] if mismatch is None else [mismatch]
            report.problems += reference_checks(contract, sheets)
            report.problems += crossed[number]
            if item.agency and item.known_agencies is not None and item.agency not in item.known_agencies:
                report.problems.append(problem("agency_unknown", value=item.agency))
            if not any(len(f) for f in sheets.values()) and not report.errors:
                report.problems.append(problem("no_data", "warning"))
        report.problems = _scrub(report.problems, cells_flagged(found))
        report.rows_read = {name: len(frame) for name, frame in sheets.items()}
        staged = rows_by_file[number] if report.accepted and sheets else None
        outcomes.append(Outcome(report, sheets if report.accepted else {}, results, read, staged))
    return outcomes


def _not_yet_refused(control: list[Problem], problems: list[Problem]) -> list[Problem]:
    """The control-character problems of cells that GX's patterns did not already refuse unquoted
    (a text or an identifier): one problem a cell."""
    refused = {(p.sheet, p.row, p.column) for p in problems if p.rule in UNQUOTED}
    return [p for p in control if (p.sheet, p.row, p.column) not in refused]


def _read_stats(parsed) -> dict[str, float]:
    return {"seconds": round(parsed.read_seconds, 4), "peak_rss_mb": round(parsed.peak_rss_bytes / 2**20, 1)}


def validate_agencies(data: bytes, *, file_name: str, sha256: str = "", day: date | None = None) -> Outcome:
    report = Report(file_name=file_name, sha256=sha256)
    # A file without version 2's sheets is read as version 1 (accueil.ingest.agency_versions).
    parsed = read_upload(data, agencies_contract(), older=(agencies_contract_v1(),))
    contract = parsed.contract
    report.problems += parsed.problems
    control = control_characters(parsed.grids)
    parsed.grids = []
    sheets = normalise(contract, parsed.sheets)
    results = run_suite(contract, sheets)
    for result in results:
        report.problems += result.problems
    report.problems += _not_yet_refused(control, report.problems)
    if sheets:
        report.problems += reference_checks(contract, sheets)
        report.problems += known_value_checks(contract, sheets)
        report.problems += quarter_column_checks(contract, sheets, day)
    report.problems = _scrub(report.problems, set())
    report.rows_read = {name: len(frame) for name, frame in sheets.items()}
    accepted = as_current(contract, sheets) if report.accepted else {}
    return Outcome(report, accepted, results, _read_stats(parsed))
