"""The two files the council loads: indicator observations and baselines with targets.

A file is a CSV (UTF-8, UTF-8 with BOM or Windows-1252; `,` or `;`) or an XLSX
workbook (first sheet).  Its header row is found among the first rows, so a title line
above it (as in the sample file, which says it is illustrative) is allowed; columns are
named by machine name or by their English or French label.  Every problem is collected
into one report, and a file with any error is rejected whole.

Validation is plain pandas, not Great Expectations: the files are a few hundred rows,
most rules depend on the catalogue row of the indicator (its unit, its range, how it is
computed), and GX's fixed start-up cost would dominate.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from accueil.indicators.catalogue import UNIT_RANGES, catalogue, geographies
from accueil.report import Report, problem

HEADER_SEARCH_ROWS = 10
PERIOD = re.compile(r"^(\d{4})(?:\s*[Qq]([1-4]))?$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    name: str
    label_en: str
    label_fr: str
    required: bool


@dataclass(frozen=True)
class FileSpec:
    kind: str  # observations | baselines
    sheet: str  # how the report names the table
    table: str  # the raw table and the staged Parquet file
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # unique within a file

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


OBSERVATIONS = FileSpec(
    "observations",
    "Observations",
    "indicator_observations",
    (
        Field("indicator_code", "Indicator code", "Code de l'indicateur", True),
        Field("geography_code", "Geography", "Géographie", True),
        Field("period", "Period", "Période", True),
        Field("value", "Value", "Valeur", True),
        Field("unit", "Unit", "Unité", True),
        Field("denominator", "Denominator", "Dénominateur", False),
        Field("margin_of_error", "Margin of error (95%)", "Marge d'erreur (95 %)", False),
        Field("source_note", "Source note", "Note sur la source", False),
    ),
    ("indicator_code", "geography_code", "period"),
)

BASELINES = FileSpec(
    "baselines",
    "Baselines",
    "indicator_baselines",
    (
        Field("indicator_code", "Indicator code", "Code de l'indicateur", True),
        Field("geography_code", "Geography", "Géographie", True),
        Field("baseline_period", "Baseline period", "Période de référence", True),
        Field("target_value", "Target value", "Valeur cible", False),
        Field("target_date", "Target date", "Date cible", False),
        Field("note", "Note", "Note", False),
    ),
    ("indicator_code", "geography_code"),
)

SOURCE_NOTE_MAX = 500


def fold(text: object) -> str:
    """Case, accents, spacing and punctuation do not matter in a column name."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def normal_period(text: str) -> str | None:
    """'2024 q1' -> '2024Q1', '2021' -> '2021', anything else -> None."""
    match = PERIOD.match(text.strip())
    if not match:
        return None
    return match.group(1) + (f"Q{match.group(2)}" if match.group(2) else "")


def _rows(data: bytes, file_name: str) -> list[list[str]]:
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python()
        return [[_cell(c) for c in row] for row in rows]
    text = ""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):  # latin-1 decodes any bytes: the last resort
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    lines = text.splitlines()
    sample = "\n".join(lines[: HEADER_SEARCH_ROWS + 5])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read_table(data: bytes, file_name: str, spec: FileSpec, report: Report) -> pd.DataFrame | None:
    """The file's rows under the spec's machine names, indexed by the row number people see."""
    if not data:
        report.problems.append(problem("file_empty"))
        return None
    try:
        rows = _rows(data, file_name)
    except Exception as exc:  # a broken workbook or a binary file: one plain sentence in the report
        report.problems.append(problem("file_unreadable", detail=type(exc).__name__))
        return None
    names = {}
    for f in spec.fields:
        for spelling in (f.name, f.label_en, f.label_fr):
            names[fold(spelling)] = f.name
    header_at = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if spec.key[0] in {names.get(fold(c)) for c in row}),
        None,
    )
    if header_at is None:
        report.problems.append(
            problem(
                "header_missing",
                sheet=spec.sheet,
                column=spec.key[0],
                rows=HEADER_SEARCH_ROWS,
                columns=", ".join(spec.names),
            )
        )
        return None
    header = rows[header_at]
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = names.get(fold(cell))
        if name is None:
            if cell:
                report.problems.append(problem("column_unknown", "warning", sheet=spec.sheet, column=cell))
            continue
        if name in columns:
            report.problems.append(problem("column_duplicate", sheet=spec.sheet, column=name))
            continue
        columns[name] = i
    missing = [f for f in spec.fields if f.required and f.name not in columns]
    for f in missing:
        report.problems.append(problem("indicator_column_missing", sheet=spec.sheet, column=f.name, label=f.label_en))
    if missing or report.errors:
        return None
    body = rows[header_at + 1 :]
    first_data_row = header_at + 2
    # A second header row of labels (as in a workbook made from the template) is not data.
    if body and all(fold(body[0][i]) in names for i in columns.values() if i < len(body[0]) and body[0][i]):
        body, first_data_row = body[1:], first_data_row + 1
    records = []
    for offset, row in enumerate(body):
        values = {
            f.name: (row[columns[f.name]] if f.name in columns and columns[f.name] < len(row) else "")
            for f in spec.fields
        }
        if any(values.values()):
            records.append({"row": first_data_row + offset, **values})
    frame = pd.DataFrame(records, columns=["row", *spec.names]).set_index("row")
    report.rows_read[spec.sheet] = len(frame)
    if frame.empty:
        report.problems.append(problem("no_data"))
    return frame


def _number(report: Report, spec: FileSpec, row: int, column: str, text: str) -> float | None:
    if not NUMBER.match(text):
        report.problems.append(problem("not_a_number", sheet=spec.sheet, row=row, column=column, value=text))
        return None
    return float(text)


def _in_range(report, spec, row, column, value, unit, low, high) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        report.problems.append(
            problem(
                "value_out_of_range",
                sheet=spec.sheet,
                row=row,
                column=column,
                value=_shown(value),
                unit=unit,
                min="-∞" if low is None else _shown(low),
                max="∞" if high is None else _shown(high),
            )
        )


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _common(report: Report, spec: FileSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Required values, known indicator and geography; codes normalised.  Returns the frame normalised."""
    cat, geo = catalogue(), geographies()
    known_geo = ", ".join(geo.index)
    out = frame.copy()
    out["indicator_code"] = out["indicator_code"].str.strip().str.lower()
    out["geography_code"] = out["geography_code"].str.strip().str.upper()
    for f in spec.fields:
        if f.required:
            for row in out.index[out[f.name].str.strip() == ""]:
                report.problems.append(
                    problem("required_value", sheet=spec.sheet, row=row, column=f.name, label=f.label_en)
                )
    for row, code in out["indicator_code"].items():
        if code and code not in cat.index:
            report.problems.append(
                problem("indicator_unknown", sheet=spec.sheet, row=row, column="indicator_code", value=code)
            )
    for row, code in out["geography_code"].items():
        if code and code not in geo.index:
            report.problems.append(
                problem(
                    "geography_unknown", sheet=spec.sheet, row=row, column="geography_code", value=code, known=known_geo
                )
            )
    return out


def _duplicates(report: Report, spec: FileSpec, frame: pd.DataFrame) -> None:
    key = list(spec.key)
    filled = frame[(frame[key] != "").all(axis=1)]
    repeated = filled[filled.duplicated(key, keep=False)]
    for values, group in repeated.groupby(key, sort=True):
        rows = [int(r) for r in group.index]
        for row in rows[1:]:
            report.problems.append(
                problem(
                    "duplicate_observation",
                    sheet=spec.sheet,
                    row=row,
                    column=key[-1],
                    value=" / ".join(values),
                    count=len(rows),
                    rows=", ".join(map(str, rows)),
                    key=" × ".join(key),
                )
            )


def validate_observations(data: bytes, file_name: str, sha256: str = "") -> tuple[Report, pd.DataFrame | None]:
    """The report, and the normalised rows when the file is accepted (None when rejected)."""
    spec = OBSERVATIONS
    report = Report(file_name=file_name, sha256=sha256)
    frame = read_table(data, file_name, spec, report)
    if frame is None or report.errors:
        return report, None
    frame = _common(report, spec, frame)
    cat = catalogue()
    frame["unit"] = frame["unit"].str.strip().str.lower()
    for row, record in frame.iterrows():
        code = record["indicator_code"]
        known = code in cat.index
        if known and cat.at[code, "computed_by"] == "warehouse":
            report.problems.append(
                problem("indicator_computed", sheet=spec.sheet, row=row, column="indicator_code", value=code)
            )
        period = normal_period(record["period"]) if record["period"] else None
        if record["period"] and period is None:
            report.problems.append(
                problem("period_format", sheet=spec.sheet, row=row, column="period", value=record["period"])
            )
        frame.at[row, "period"] = period or record["period"]
        unit = cat.at[code, "unit"] if known else None
        if known and record["unit"] and record["unit"] != unit:
            report.problems.append(
                problem(
                    "unit_mismatch",
                    sheet=spec.sheet,
                    row=row,
                    column="unit",
                    value=record["unit"],
                    indicator=code,
                    unit=unit,
                )
            )
        if record["value"]:
            value = _number(report, spec, row, "value", record["value"])
            if value is not None and unit is not None:
                _in_range(report, spec, row, "value", value, unit, *UNIT_RANGES[unit])
        if record["denominator"]:
            value = _number(report, spec, row, "denominator", record["denominator"])
            if value is not None and (value < 1 or not value.is_integer()):
                report.problems.append(
                    problem(
                        "value_out_of_range",
                        sheet=spec.sheet,
                        row=row,
                        column="denominator",
                        value=record["denominator"],
                        unit="count",
                        min=1,
                        max="∞",
                    )
                )
        if record["margin_of_error"]:
            value = _number(report, spec, row, "margin_of_error", record["margin_of_error"])
            if value is not None:
                _in_range(report, spec, row, "margin_of_error", value, unit or "", 0.0, None)
        if len(record["source_note"]) > SOURCE_NOTE_MAX:
            report.problems.append(
                problem("type_text", sheet=spec.sheet, row=row, column="source_note", max_length=SOURCE_NOTE_MAX)
            )
    _duplicates(report, spec, frame)
    return report, (frame if report.accepted else None)


def validate_baselines(data: bytes, file_name: str, sha256: str = "") -> tuple[Report, pd.DataFrame | None]:
    spec = BASELINES
    report = Report(file_name=file_name, sha256=sha256)
    frame = read_table(data, file_name, spec, report)
    if frame is None or report.errors:
        return report, None
    frame = _common(report, spec, frame)
    cat = catalogue()
    for row, record in frame.iterrows():
        code = record["indicator_code"]
        known = code in cat.index
        period = normal_period(record["baseline_period"]) if record["baseline_period"] else None
        if record["baseline_period"] and period is None:
            report.problems.append(
                problem(
                    "period_format",
                    sheet=spec.sheet,
                    row=row,
                    column="baseline_period",
                    value=record["baseline_period"],
                )
            )
        elif period and known and cat.at[code, "computed_by"] == "warehouse" and "Q" not in period:
            report.problems.append(
                problem(
                    "period_granularity",
                    sheet=spec.sheet,
                    row=row,
                    column="baseline_period",
                    value=period,
                    indicator=code,
                )
            )
        frame.at[row, "baseline_period"] = period or record["baseline_period"]
        if record["target_value"]:
            value = _number(report, spec, row, "target_value", record["target_value"])
            if value is not None and known:
                unit = cat.at[code, "unit"]
                _in_range(report, spec, row, "target_value", value, unit, *UNIT_RANGES[unit])
        if record["target_date"]:
            try:
                ok = bool(DATE.match(record["target_date"])) and pd.Timestamp(record["target_date"]) is not None
            except ValueError:
                ok = False
            if not ok:
                report.problems.append(
                    problem("type_date", sheet=spec.sheet, row=row, column="target_date", value=record["target_date"])
                )
        if len(record["note"]) > SOURCE_NOTE_MAX:
            report.problems.append(
                problem("type_text", sheet=spec.sheet, row=row, column="note", max_length=SOURCE_NOTE_MAX)
            )
    _duplicates(report, spec, frame)
    return report, (frame if report.accepted else None)
