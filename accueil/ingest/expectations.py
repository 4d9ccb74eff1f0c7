"""Great Expectations suites generated from the contract: one suite per sheet.

GX checks what can be said of each cell and key of a sheet: required values
present, dates and identifiers well formed, codes in their lists, numbers in
range, texts not too long, record ids unique.  What spans rows or sheets (dates in
the quarter, one birth year per client, clients profiled) is set-based SQL in
`crosschecks`.

GX's cost is per expectation, not per row (about 10 ms each here), so a suite does
not hold one expectation per column: it validates the sheet in long form, one row
per cell, with one expectation per kind of check.  A sheet of 54 columns needs about
a dozen expectations instead of a hundred.  GX runs on pandas in an ephemeral context; analytics are off.
"""

from __future__ import annotations

import os
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


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


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
    for kind, pattern in PATTERNS.items():
        if kind in kinds:
            out.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=f"{kind}_value", regex=pattern, meta={"rule": RULE_OF_TYPE[kind]}
                )
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


def cells(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """The sheet in long form: one row per cell, plus one `key` cell per row for uniqueness."""
    parts = []
    for column in sheet.columns:
        values = frame[column.name].astype(str)
        value = values.where(values != "", None).to_numpy()
        part = pd.DataFrame({"row": frame.index.to_numpy(), "column": column.name, "value": value})
        # Not-required cells hold a placeholder, so that only required blanks are null.
        part["required_value"] = value if column.required else "-"
        if column.codelist:
            part["coded"] = np.where(values != "", column.codelist + "|" + values.to_numpy(), None)
        if column.type in PATTERNS:
            part[f"{column.type}_value"] = value
        if column.type in ("integer", "decimal"):
            part["number"] = pd.to_numeric(values, errors="coerce").to_numpy()
            part["minimum"] = np.nan if column.min is None else column.min
            part["maximum"] = np.nan if column.max is None else column.max
        limit = column.max_length or MAX_LENGTH.get(column.type)
        if limit:
            part["length"] = np.where(values != "", values.str.len(), np.nan)
            part["max_length"] = limit
        parts.append(part)
    key = frame[list(sheet.unique)].astype(str).agg(" | ".join, axis=1) if len(frame) else pd.Series(dtype=object)
    parts.append(
        pd.DataFrame(
            {
                "row": frame.index.to_numpy(),
                "column": ", ".join(sheet.unique),
                "value": key.to_numpy(),
                "required_value": "-",
                "key": key.to_numpy(),
            }
        )
    )
    long = pd.concat(parts, ignore_index=True)
    expected = {
        "coded",
        "number",
        "minimum",
        "maximum",
        "length",
        "max_length",
        "key",
        *(f"{kind}_value" for kind in PATTERNS),
    }
    for name in expected - set(long.columns):
        long[name] = None
    return long


def run_suite(contract: Contract, sheet: Sheet, frame: pd.DataFrame) -> SheetResult:
    long = cells(sheet, frame)
    result = _validation(contract.name, sheet).run(
        batch_parameters={"dataframe": long}, result_format={"result_format": "COMPLETE"}
    )
    problems: list[Problem] = []
    failed = 0
    for item in result.results:
        if item.success:
            continue
        failed += 1
        rule = item.expectation_config.meta["rule"]
        for index in item.result.get("unexpected_index_list") or []:
            index = int(index["index"]) if isinstance(index, dict) else int(index)
            problems.append(_problem(rule, sheet, long.loc[index], long))
    return SheetResult(sheet.name, bool(result.success), len(result.results), failed, len(long), tuple(problems))


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
