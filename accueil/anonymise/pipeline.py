"""One anonymisation run: input workbooks in, rows of the extract and a report out (nothing written here).

Several inputs (e.g. the three monthly files of a quarter) are read in the order given
and their rows concatenated per sheet; the client profile and the course set-up keep
one row per client and per course (``transform.roll_up``).  Problems are collected in
the ingestion report format; ``Outcome.report.accepted`` says whether the extract may
be written (no errors; warnings do not block).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from accueil.anonymise import check
from accueil.anonymise.read import InputError, read_workbook
from accueil.anonymise.transform import OutRow, Step, Transformer, plan, record_ids, roll_up
from accueil.anonymise.write import AnonymiseReport
from accueil.contract import extract_contract
from accueil.quarters import Quarter
from accueil.report import problem


@dataclass
class SheetSummary:
    """What the dry run shows for one sheet of the extract, over all inputs."""

    name: str
    rows_read: Counter = field(default_factory=Counter)  # input file -> rows
    rows_out: int = 0
    steps: dict[str, Step] = field(default_factory=dict)  # column of the extract -> how it is made
    dropped: set[str] = field(default_factory=set)  # input columns left behind


@dataclass
class Outcome:
    rows: dict[str, list[tuple]]
    report: AnonymiseReport
    sheets: dict[str, SheetSummary]
    ignored: list[str]  # "file: sheet" of IRCC's helper sheets
    unknown: list[str]  # "file: sheet" of sheets that are not part of the extract


def run(inputs: list[Path], *, agency: str, quarter: Quarter, key: bytes) -> Outcome:
    contract = extract_contract()
    several = len(inputs) > 1
    transformer = Transformer(key, several)
    report = AnonymiseReport(", ".join(p.name for p in inputs), agency=agency, quarter=str(quarter))
    rows: dict[str, list[OutRow]] = {s.name: [] for s in contract.sheets}
    sheets = {s.name: SheetSummary(s.name) for s in contract.sheets}
    ignored: list[str] = []
    unknown: list[str] = []
    for path in inputs:
        try:
            book = read_workbook(path)
        except InputError as exc:
            report.problems.append(problem("file_unreadable", sheet=path.name, detail=str(exc)))
            continue
        ignored += [f"{path.name}: {t}" for t in book.ignored]
        for title in book.unknown:
            unknown.append(f"{path.name}: {title}")
            report.problems.append(
                problem("sheet_unknown", "warning", sheet=f"{title} [{path.name}]" if several else title)
            )
        for source in book.sheets:
            summary = sheets[source.name]
            summary.rows_read[path.name] += len(source.rows)
            summary.dropped.update(source.dropped)
            for step in plan(contract.sheet(source.name), source):
                known = summary.steps.get(step.column)
                if known is None or known.kind in ("blank", "derive"):
                    summary.steps[step.column] = step
            result = transformer.sheet(source)
            rows[source.name] += result.rows
            report.problems += result.problems
            for name in source.columns:
                if name not in contract.sheet(source.name).column_names and name not in _sources(summary):
                    summary.dropped.add(name)

    report.problems += check.birth_dates(rows)  # before roll-up, which keeps one profile row per client
    for sheet in contract.sheets:
        rows[sheet.name] = roll_up(sheet, rows[sheet.name])
        sheets[sheet.name].rows_out = len(rows[sheet.name])
        read = sum(sheets[sheet.name].rows_read.values())
        if read:
            report.rows_read[sheet.name] = read
    report.problems += check.course_codes(contract, rows)
    report.problems += check.quarter_dates(contract, rows, quarter)
    report.problems += check.leaks(contract, rows, transformer.identifiers)
    if not any(rows.values()) and not report.errors:
        report.problems.append(problem("no_data"))
    for sheet in contract.sheets:
        record_ids(sheet, rows[sheet.name], agency)
    tuples = {name: [tuple(r.values) for r in sheet_rows] for name, sheet_rows in rows.items()}
    return Outcome(tuples, report, sheets, ignored, unknown)


def _sources(summary: SheetSummary) -> set[str]:
    return {s for step in summary.steps.values() if step.kind != "carry" for s in step.sources}
