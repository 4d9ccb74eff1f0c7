"""Great Expectations suites generated from the contract: one suite per sheet.

GX checks what can be said of each cell and key of a sheet: required values
present, dates and identifiers well formed, codes in their lists, numbers in
range, texts not too long, record ids unique.  What spans rows or sheets (dates in
the quarter, one birth year per client, clients profiled) is set-based SQL in
`crosschecks`.

GX's cost is per expectation and per run, not per row (tens of milliseconds each
here), so a suite does not hold one expectation per column, nor run once per sheet:
it validates the whole file in long form, one row per cell of every sheet, with one
expectation per kind of check (all the type formats are one regex).  A file of ten
sheets and three hundred columns is seven expectations and one run.  That run is
given each column's distinct texts once and every row's key (accueil.ingest.long_form); only
the files that fail there are validated again cell by cell, for the list of their cells.
GX runs on pandas in an ephemeral context; analytics are off.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from functools import cache

import pandas as pd

from accueil.contract import INVISIBLE, TYPE_PATTERNS, Column, Contract, Sheet, code_lists
from accueil.ingest.long_form import MAX_LENGTH, cells, distinct_cells, kind
from accueil.ingest.names import invisible_found, visible
from accueil.report import Problem, problem

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# Patterns of the column types (the contract's); a column with its own `pattern` (an
# identifier) is checked against that instead, under the kind `pattern:<column>`.
PATTERNS = TYPE_PATTERNS
RULE_OF_TYPE = {
    "client_key": "type_client_key",
    "fsa": "type_fsa",
    "year": "type_year",
    "date": "type_date",
    "agency_code": "type_text",
    "quarter": "type_text",
    "integer": "type_number",
    "decimal": "type_number",
}
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# Problems whose cell other problems must not quote: its text may be invisible or spoofing.
UNQUOTED = ("type_identifier", "text_control_character", "text_formula")


@dataclass(frozen=True)
class SheetResult:
    """What GX said of one sheet, for Dagster asset checks and the report."""

    sheet: str
    success: bool
    evaluated: int
    failed: int
    cells: int
    problems: tuple[Problem, ...]
    seconds: float = 0.0  # wall time of the suite, long form included: `accueil bench` adds these up


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under this size by hashing all of it, for a batch
    # marker in the result that nothing reads (GX itself included); on the long frame that
    # hash was half of each run.  No batch is smaller than zero bytes, so none is hashed.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def kind_patterns(columns) -> dict[str, str]:
    patterns = {kind(c): c.pattern or PATTERNS[c.type] for c in columns if kind(c)}
    return dict(sorted(patterns.items()))


def typed_pattern(patterns: dict[str, str]) -> str:
    """One regex for every typed cell of a sheet: the cell is `<kind>:<text>`, each kind its own branch.

    One expectation instead of one per type: GX's cost is per expectation, and a sheet has
    up to five types.  The rule reported for a failing cell is its column's.
    """
    branches = [
        f"{re.escape(name)}:(?:{pattern.removeprefix('^').removesuffix('$')})" for name, pattern in patterns.items()
    ]
    return "^(?:" + "|".join(branches) + ")$"


def expectations(*sheets: Sheet) -> list:
    """The suite of these sheets, as GX expectation objects (also shown in the Dagster UI).

    One sheet gives the expectations that apply to it; a whole contract's sheets give
    the suite a file is validated with.

    Each check reads its own column of the long frame, null where the check does not
    apply: column-map expectations skip nulls, which is much cheaper than GX's
    `row_condition` (a pandas query per metric).
    """
    import great_expectations.expectations as gxe

    columns = [c for sheet in sheets for c in sheet.columns]
    kinds = {c.type for c in columns}
    patterns = kind_patterns(columns)
    out = [gxe.ExpectColumnValuesToNotBeNull(column="required_value", meta={"rule": "required_value"})]
    if "code" in kinds:
        pairs = sorted(
            {f"{c.codelist}|{label}" for c in columns if c.codelist for label in code_lists()[c.codelist].labels_en}
        )
        out.append(gxe.ExpectColumnValuesToBeInSet(column="coded", value_set=pairs, meta={"rule": "code_not_in_list"}))
    if patterns:
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column="typed_value", regex=typed_pattern(patterns), meta={"rule": "type"}
            )
        )
    pair = {"or_equal": True, "ignore_row_if": "either_value_is_missing"}
    if any(c.min is not None or c.max is not None for c in columns):
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="number", column_B="minimum", meta={"rule": "type_number"}, **pair
            )
        )
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="maximum", column_B="number", meta={"rule": "type_number"}, **pair
            )
        )
    if any(c.max_length or c.type in MAX_LENGTH for c in columns):
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_length", column_B="length", meta={"rule": "type_text"}, **pair
            )
        )
    out.append(gxe.ExpectColumnValuesToBeUnique(column="key", meta={"rule": "duplicate_key"}))
    return out


_VALIDATIONS: dict[str, object] = {}


def _validation(contract: Contract):
    """The file's validation definition, built once per contract and process."""
    # Keyed by version too: the door reads both versions of the agency file in one process.
    name = contract.name if contract.version == 1 else f"{contract.name}_v{contract.version}"
    if name in _VALIDATIONS:
        return _VALIDATIONS[name]
    import great_expectations as gx

    context = _context()
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations(*contract.sheets):
        suite.add_expectation(expectation)
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    _VALIDATIONS[name] = validation
    return validation


def run_suite(contract: Contract, sheets: dict[str, pd.DataFrame]) -> list[SheetResult]:
    """Validate every sheet of one file in one GX run; what GX found, sheet by sheet."""
    return run_suites(contract, [sheets])[0]


def run_suites(contract: Contract, files: list[dict[str, pd.DataFrame]]) -> list[list[SheetResult]]:
    """Validate the sheets of several files in one GX run; what GX found, file by file and sheet by sheet.

    GX's cost is per run far more than per cell, so a folder of extracts is validated a
    batch at a time.  Every cell keeps its file and sheet, so each file's result is its own.
    """
    started = time.perf_counter()
    by_sheet: dict[str, dict[int, pd.DataFrame]] = {}
    for number, sheets in enumerate(files):
        for name, frame in sheets.items():
            by_sheet.setdefault(name, {})[number] = frame
    if not by_sheet:
        return [[] for _ in files]
    validation = _validation(contract)
    # Most batches pass: ask GX only whether the batch's distinct texts and its keys do, which
    # spares the metrics that list failing cells (about 40% of its time) and most of the cells.
    # Only the files that fail are then validated cell by cell, for the list of their cells.
    failing = _failing(contract, validation, by_sheet, list(range(len(files))))
    long, results = None, []
    if failing:
        chosen = {name: {n: frames[n] for n in failing if n in frames} for name, frames in by_sheet.items()}
        long = pd.concat([cells(contract.sheet(name), frames) for name, frames in chosen.items()], ignore_index=True)
        results = validation.run(
            batch_parameters={"dataframe": long}, result_format={"result_format": "COMPLETE"}
        ).results
    problems: dict[tuple[int, str], list[Problem]] = {}
    failed: dict[tuple[int, str], set[int]] = {}
    key_counts: pd.Series | None = None
    for number, item in enumerate(results):
        if item.success:
            continue
        rule = item.expectation_config.meta["rule"]
        if rule == "duplicate_key" and key_counts is None:
            # Counted once for the run, not once per duplicate over a batch-sized frame.
            key_counts = long["key"].value_counts()
        for index in item.result.get("unexpected_index_list") or []:
            index = int(index["index"]) if isinstance(index, dict) else int(index)
            cell = long.loc[index]
            sheet = contract.sheet(cell["sheet"])
            where = (int(cell["file"]), sheet.name)
            failed.setdefault(where, set()).add(number)
            cell_rule = _typed_rule(sheet.column(cell["column"]), cell["value"]) if rule == "type" else rule
            problems.setdefault(where, []).append(_problem(cell_rule, sheet, cell, key_counts))
    seconds = time.perf_counter() - started
    # The cells of each file's sheet in long form, whichever frame GX was given.
    counts = {
        (number, name): len(frame) * (len(contract.sheet(name).columns) + 1)
        for number, sheets in enumerate(files)
        for name, frame in sheets.items()
    }
    total = max(sum(counts.values()), 1)
    # Counted once per sheet name, not per file: each count builds the sheet's expectations.
    evaluated = {name: len(expectations(contract.sheet(name))) for name in {n for sheets in files for n in sheets}}
    return [
        [
            SheetResult(
                name,
                not failed.get((number, name)),
                evaluated[name],
                len(failed.get((number, name), ())),
                counts[(number, name)],
                tuple(problems.get((number, name), ())),
                # One run for the batch: each sheet of each file is given its share by cells.
                seconds * counts[(number, name)] / total,
            )
            for name in sheets
        ]
        for number, sheets in enumerate(files)
    ]


def _failing(
    contract: Contract, validation, by_sheet: dict[str, dict[int, pd.DataFrame]], numbers: list[int]
) -> list[int]:
    """The files among `numbers` to validate cell by cell: none when GX passes their distinct texts;
    else, halving while only one half fails, the failing files, or a group of them when both halves
    fail (failures spread over many files need most of them cell by cell anyway).

    A file passes or fails whatever files it is validated with (its keys carry its number), so a
    lone failing file is found in two runs per halving, and only it is taken cell by cell: memory
    is bounded by the files that fail (the 16 largest national extracts cell by cell peaked at
    1.8 GB)."""
    if _passes(contract, validation, by_sheet, numbers):
        return []
    while len(numbers) > 1:
        first, second = numbers[: len(numbers) // 2], numbers[len(numbers) // 2 :]
        first_passes = _passes(contract, validation, by_sheet, first)
        # The two together fail: when the first half passes, the second fails.
        if not first_passes and not _passes(contract, validation, by_sheet, second):
            return numbers
        numbers = second if first_passes else first
    return numbers


def _passes(contract: Contract, validation, by_sheet: dict[str, dict[int, pd.DataFrame]], numbers: list[int]) -> bool:
    """Whether GX passes these files' distinct texts and keys."""
    frames = [
        distinct_cells(contract.sheet(name), {n: by_file[n] for n in numbers if n in by_file})
        for name, by_file in by_sheet.items()
    ]
    return validation.run(
        batch_parameters={"dataframe": pd.concat(frames)}, result_format={"result_format": "BOOLEAN_ONLY"}
    ).success


def _typed_rule(column: Column, value: str) -> str:
    if column.pattern:
        return "type_identifier"
    if column.type == "text":
        return "text_control_character" if _INVISIBLE.search(value) else "text_formula"
    return RULE_OF_TYPE[column.type]


def _problem(rule: str, sheet: Sheet, cell: pd.Series, key_counts: pd.Series | None) -> Problem:
    row, name, value = int(cell["row"]), str(cell["column"]), cell["value"]
    if rule == "duplicate_key":
        count = int(key_counts[cell["key"]])
        return problem(rule, sheet=sheet.name, row=row, column=name, value=value, count=count)
    column = sheet.column(name)
    if rule == "code_not_in_list":
        if column.skill in ("listening", "speaking") and str(value).lower().startswith("lit"):
            return problem(
                "clb_literacy_skill", sheet=sheet.name, row=row, column=name, value=value, skill=column.skill
            )
        # The report lists the list's valid values in its own language (accueil.report.workbook_terms).
        return problem(rule, sheet=sheet.name, row=row, column=name, value=value, codelist=column.codelist)
    if rule == "required_value":
        return problem(rule, sheet=sheet.name, row=row, column=name, label=column.label_en)
    if rule in UNQUOTED:
        found = invisible_found(value)
        return problem(rule, sheet=sheet.name, row=row, column=name, value=visible(value), found=found, first=value[0])
    if rule == "type_number":
        return problem(
            rule, sheet=sheet.name, row=row, column=name, value=value, min=_num(column.min), max=_num(column.max)
        )
    if rule == "type_text":
        return problem(
            rule,
            sheet=sheet.name,
            row=row,
            column=name,
            value=value,
            max_length=column.max_length or MAX_LENGTH.get(column.type, 12),
        )
    return problem(rule, sheet=sheet.name, row=row, column=name, value=value)


def _num(value) -> str:
    return "…" if value is None else f"{value:g}"
