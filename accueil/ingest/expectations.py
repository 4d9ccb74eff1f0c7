"""Great Expectations suites generated from the contract: one suite per sheet.

GX checks what can be said of each cell and key of a sheet: required values
present, dates and identifiers well formed, codes in their lists, numbers in
range, texts not too long, record ids unique.  What spans rows or sheets (dates in
the quarter, one birth year per client, clients profiled) is set-based SQL in
`crosschecks`.

GX's cost is per expectation, not per row (about 10 ms each here), so a suite does
not hold one expectation per column: it validates the sheet in long form, one row
per cell, with one expectation per kind of check (all the type formats are one
regex).  A sheet of 54 columns needs four to seven expectations instead of a hundred.
GX runs on pandas in an ephemeral context; analytics are off.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from accueil.contract import Contract, Sheet, code_lists
from accueil.report import Problem, problem

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

PATTERNS = {
    "client_key": r"^[0-9a-f]{64}$",
    "fsa": r"^[A-Z][0-9][A-Z]$",
    "year": r"^(?:19|20)[0-9]{2}$",
    "date": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
    "agency_code": r"^[A-Z0-9][A-Z0-9-]{1,11}$",
    "quarter": r"^[0-9]{4}Q[1-4]$",
    "integer": r"^-?[0-9]+$",
    "decimal": r"^-?[0-9]+(?:\.[0-9]+)?$",
}
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
MAX_LENGTH = {"record_id": 64, "course_code": 40, "text": 500}


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

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def typed_pattern(kinds: set[str]) -> str:
    """One regex for every typed cell of a sheet: the cell is `<type>:<text>`, each type its own branch.

    One expectation instead of one per type: GX's cost is per expectation, and a sheet has
    up to five types.  The rule reported for a failing cell is its column's type's.
    """
    branches = [f"{kind}:{pattern.removeprefix('^').removesuffix('$')}" for kind, pattern in PATTERNS.items()]
    return "^(?:" + "|".join(b for b, kind in zip(branches, PATTERNS, strict=True) if kind in kinds) + ")$"


def expectations(sheet: Sheet) -> list:
    """The suite of a sheet, as GX expectation objects (also shown in the Dagster UI).

    Each check reads its own column of the long frame, null where the check does not
    apply: column-map expectations skip nulls, which is much cheaper than GX's
    `row_condition` (a pandas query per metric).
    """
    import great_expectations.expectations as gxe

    kinds = {c.type for c in sheet.columns}
    out = [gxe.ExpectColumnValuesToNotBeNull(column="required_value", meta={"rule": "required_value"})]
    if "code" in kinds:
        pairs = sorted(
            {
                f"{c.codelist}|{label}"
                for c in sheet.columns
                if c.codelist
                for label in code_lists()[c.codelist].labels_en
            }
        )
        out.append(gxe.ExpectColumnValuesToBeInSet(column="coded", value_set=pairs, meta={"rule": "code_not_in_list"}))
    if kinds & set(PATTERNS):
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(column="typed_value", regex=typed_pattern(kinds), meta={"rule": "type"})
        )
    pair = {"or_equal": True, "ignore_row_if": "either_value_is_missing"}
    if any(c.min is not None or c.max is not None for c in sheet.columns):
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
    if any(c.max_length or c.type in MAX_LENGTH for c in sheet.columns):
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="max_length", column_B="length", meta={"rule": "type_text"}, **pair
            )
        )
    out.append(gxe.ExpectColumnValuesToBeUnique(column="key", meta={"rule": "duplicate_key"}))
    return out


@cache
def _validation(contract_name: str, sheet: Sheet):
    import great_expectations as gx

    context = _context()
    name = f"{contract_name}:{sheet.name}"
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    for expectation in expectations(sheet):
        suite.add_expectation(expectation)
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


# The long frame's columns: text ones are null where a check does not apply, numeric ones NaN.
TEXT_COLUMNS = ("column", "value", "required_value", "coded", "typed_value", "key")
NUMBER_COLUMNS = ("number", "minimum", "maximum", "length", "max_length")


def cells(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """The sheet in long form: one row per cell, plus one `key` cell per row for uniqueness.

    Built as one array per long column, concatenated once: assembling a DataFrame per
    sheet column and concatenating frames with different columns cost more than GX itself.
    """
    n = len(frame)
    rows = frame.index.to_numpy()
    parts: list[dict[str, np.ndarray]] = []
    for column in sheet.columns:
        text = frame[column.name].astype(str).to_numpy(dtype=object)
        blank = text == ""
        value = np.where(blank, None, text)
        part = {
            "column": np.full(n, column.name, dtype=object),
            "value": value,
            # Not-required cells hold a placeholder, so that only required blanks are null.
            "required_value": value if column.required else np.full(n, "-", dtype=object),
        }
        if column.codelist:
            part["coded"] = np.where(blank, None, column.codelist + "|" + text)
        if column.type in PATTERNS:
            part["typed_value"] = np.where(blank, None, column.type + ":" + text)
        if column.type in ("integer", "decimal"):
            part["number"] = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=float)
            part["minimum"] = np.full(n, np.nan if column.min is None else column.min, dtype=float)
            part["maximum"] = np.full(n, np.nan if column.max is None else column.max, dtype=float)
        limit = column.max_length or MAX_LENGTH.get(column.type)
        if limit:
            part["length"] = np.where(blank, np.nan, pd.Series(text).str.len().to_numpy(dtype=float))
            part["max_length"] = np.full(n, limit, dtype=float)
        parts.append(part)
    keys = [frame[name].astype(str) for name in sheet.unique]
    key = (keys[0].str.cat(keys[1:], sep=" | ") if len(keys) > 1 else keys[0]).to_numpy(dtype=object)
    parts.append(
        {
            "column": np.full(n, ", ".join(sheet.unique), dtype=object),
            "value": key,
            "required_value": np.full(n, "-", dtype=object),
            "key": key,
        }
    )
    long = {"row": np.concatenate([rows] * len(parts))}
    for name in TEXT_COLUMNS:
        long[name] = np.concatenate([p.get(name, np.full(n, None, dtype=object)) for p in parts])
    for name in NUMBER_COLUMNS:
        long[name] = np.concatenate([p.get(name, np.full(n, np.nan)) for p in parts])
    return pd.DataFrame(long)


def run_suite(contract: Contract, sheet: Sheet, frame: pd.DataFrame) -> SheetResult:
    started = time.perf_counter()
    long = cells(sheet, frame)
    validation = _validation(contract.name, sheet)
    # Most sheets pass: ask GX only whether they do, which spares the metrics that list
    # failing cells (about 40% of its time); a failing sheet is validated again for them.
    result = validation.run(batch_parameters={"dataframe": long}, result_format={"result_format": "BOOLEAN_ONLY"})
    if not result.success:
        result = validation.run(batch_parameters={"dataframe": long}, result_format={"result_format": "COMPLETE"})
    problems: list[Problem] = []
    failed = 0
    for item in result.results:
        if item.success:
            continue
        failed += 1
        rule = item.expectation_config.meta["rule"]
        for index in item.result.get("unexpected_index_list") or []:
            index = int(index["index"]) if isinstance(index, dict) else int(index)
            cell = long.loc[index]
            cell_rule = RULE_OF_TYPE[sheet.column(cell["column"]).type] if rule == "type" else rule
            problems.append(_problem(cell_rule, sheet, cell, long))
    return SheetResult(
        sheet.name,
        bool(result.success),
        len(result.results),
        failed,
        len(long),
        tuple(problems),
        time.perf_counter() - started,
    )


def _problem(rule: str, sheet: Sheet, cell: pd.Series, long: pd.DataFrame) -> Problem:
    row, name, value = int(cell["row"]), str(cell["column"]), cell["value"]
    if rule == "duplicate_key":
        count = int((long["key"] == value).sum())
        return problem(rule, sheet=sheet.name, row=row, column=name, value=value, count=count)
    column = sheet.column(name)
    if rule == "code_not_in_list":
        if column.skill in ("listening", "speaking") and str(value).lower().startswith("lit"):
            return problem(
                "clb_literacy_skill", sheet=sheet.name, row=row, column=name, value=value, skill=column.skill
            )
        examples = ", ".join(f"'{v}'" for v in code_lists()[column.codelist].labels_en[:3])
        return problem(
            rule, sheet=sheet.name, row=row, column=name, value=value, codelist=column.codelist, examples=examples
        )
    if rule == "required_value":
        return problem(rule, sheet=sheet.name, row=row, column=name, label=column.label_en)
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
