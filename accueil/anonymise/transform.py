"""Turn the rows of an iCARE sheet into rows of the anonymised extract.

What each column of the extract is made of is decided per input sheet (``plan``):

* ``key``    client_validation_type_id + client_validation_id -> client_key, the
             HMAC-SHA256 made with the partnership key (``accueil.pseudonym``);
* ``year``   client_birth_dt -> client_birth_year;
* ``fsa``    postal_cd / postal_txt -> postal_fsa, the first three characters when they read A9A;
* ``carry``  a column of the extract found in the input, normalised to its type: code
             values become the English label of their list (code, English or French
             spelling, IRCC's dash variants), dates become YYYY-MM-DD, numbers numbers;
* ``derive`` record_id made from the anonymised row (``record_ids``) when the input has none;
* ``blank``  a column of the extract that the input does not have.

Everything else in the input, direct identifiers first, is dropped.  A value that does
not fit its column (a code that is not in its list, a date that is not a date) is left
blank in the extract and reported: free text typed into a coded field never leaves the
agency.  Problems never quote an identifier, a date of birth or a postal code: those are
shown masked, e.g. ``##/##/####``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from accueil.anonymise.icare_labels import ICARE_LABELS
from accueil.anonymise.read import RECORD_ID, InputSheet, header_text, is_blank
from accueil.contract import Column, Sheet, code_lists, extract_contract, fold
from accueil.contract.record_ids import SHEET_ABBREVIATIONS
from accueil.pseudonym import KEY_PATTERN, client_key, identifier_type, normalise_identifier
from accueil.report import Problem, problem

ID_TYPE, ID_VALUE, BIRTH_DATE = "client_validation_type_id", "client_validation_id", "client_birth_dt"
FSA = re.compile(r"[A-Z]\d[A-Z]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = (3654, 73050)  # 1910-01-01 to 2099-12-31; a bare year such as 1984 is not a date


@dataclass(frozen=True)
class Step:
    column: str  # the extract's column
    kind: str  # key, year, fsa, carry, derive, blank
    sources: tuple[str, ...] = ()


@dataclass
class OutRow:
    values: list
    file: str
    sheet: str  # how problems name the sheet (with the file name when there are several inputs)
    row: int
    identity: tuple[str, str] | None = None  # (identifier type, normalised identifier)
    birth: dt.date | None = None


@dataclass
class Result:
    rows: list[OutRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def plan(sheet: Sheet, source: InputSheet) -> list[Step]:
    steps = []
    for column in sheet.columns:
        present = tuple(r for r in column.replaces if source.has(r))
        if column.name == "client_key" and present and len(present) == len(column.replaces):
            steps.append(Step(column.name, "key", present))
        elif column.name != "client_key" and present:
            steps.append(Step(column.name, "year" if column.type == "year" else "fsa", present[:1]))
        elif source.has(column.name):
            steps.append(Step(column.name, "carry", (column.name,)))
        elif column.name == RECORD_ID:
            steps.append(Step(column.name, "derive"))
        else:
            steps.append(Step(column.name, "blank"))
    return steps


def masked(value) -> str:
    """'1978-05-20' -> '####-##-##', 'M2M 1A1' -> 'A#A #A#': the shape of a value, not the value."""
    return re.sub(r"[^\W\d_]", "A", re.sub(r"\d", "#", header_text(value)))


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_date(str(int(number)))
        if EXCEL_SERIALS[0] <= number <= EXCEL_SERIALS[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(number))  # a date cell saved as a plain number
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]*)?", text) or re.fullmatch(
        r"(\d{4})(\d\d)(\d\d)", text
    )
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_number(value) -> int | float | None:
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # 2,5 written the French way
        try:
            number = float(text)
        except ValueError:
            return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def to_fsa(value) -> str | None:
    text = re.sub(r"\s+", "", header_text(value)).upper()
    return text[:3] if FSA.fullmatch(text[:3]) else None


def _birth_year(value) -> tuple[int | None, dt.date | None]:
    day = parse_date(value)
    if day is not None:
        return day.year, day
    number = parse_number(value)
    if isinstance(number, int) and 1900 <= number <= 2100:
        return number, None  # only a year was given: enough for the extract
    return None, None


class Transformer:
    """Applies the plans with one partnership key; collects problems as it goes."""

    def __init__(self, key: bytes, several_files: bool):
        self.key = key
        self.several_files = several_files
        self.contract = extract_contract()
        self.lookups = {name: codes.lookup() for name, codes in code_lists().items()}
        self.id_types = code_lists()["identifier_type"].lookup()
        self._keys: dict[tuple[str, str], str] = {}
        self.identifiers: set[str] = set()  # every normalised identifier seen, for the last leak check

    def where(self, source: InputSheet) -> str:
        return f"{source.name} [{source.file}]" if self.several_files else source.name

    def sheet(self, source: InputSheet) -> Result:
        sheet = self.contract.sheet(source.name)
        steps = plan(sheet, source)
        result = Result()
        where = self.where(source)
        result.problems += self._missing_columns(sheet, steps, source, where)
        for name in sorted(set(source.duplicates)):
            result.problems.append(problem("column_duplicate", "warning", sheet=where, column=name))
        if sheet.source == "accueil":
            # Accueil's own sheets are made for the extract: a column nothing recognises is probably misspelt.
            # (An iCARE sheet has dozens of iCARE columns the extract does not need; dropping them is normal.)
            for header in source.dropped:
                result.problems.append(problem("column_unknown", "warning", sheet=where, column=header))
        columns = [sheet.column(s.column) for s in steps]
        for number, cells in source.rows:
            out = OutRow([], source.file, where, number)
            for step, column in zip(steps, columns, strict=True):
                out.values.append(self._value(step, column, source, cells, out, result.problems))
            result.rows.append(out)
        return result

    def _missing_columns(self, sheet: Sheet, steps: list[Step], source: InputSheet, where: str) -> list[Problem]:
        problems = []
        if not source.rows:
            return problems
        for step in steps:
            column = sheet.column(step.column)
            if step.kind != "blank" or not column.required:
                continue
            if step.column == "client_key":
                # Without the identifier no row of the sheet can be keyed: that blocks the extract.
                for name in (ID_TYPE, ID_VALUE):
                    if not source.has(name):
                        problems.append(problem("column_missing", sheet=where, column=name, label=_label(name)))
                continue
            name = column.replaces[0] if column.replaces else column.name
            problems.append(problem("column_missing", "warning", sheet=where, column=name, label=_label(name, column)))
        return problems

    def _value(self, step: Step, column: Column, source: InputSheet, cells: list, out: OutRow, problems: list):
        at = {"sheet": out.sheet, "row": out.row}
        if step.kind in ("blank", "derive"):
            return ""
        raw = [source.cell(cells, s) for s in step.sources]
        if step.kind == "key":
            return self._client_key(raw[0], raw[1], out, problems, at)
        if step.kind == "year":
            if is_blank(raw[0]):
                problems.append(problem("required_value", "warning", column=BIRTH_DATE, label=_label(BIRTH_DATE), **at))
                return ""
            year, day = _birth_year(raw[0])
            if year is None:
                problems.append(problem("type_date", "warning", column=BIRTH_DATE, value=masked(raw[0]), **at))
                return ""
            out.birth = day
            return year
        if step.kind == "fsa":
            if is_blank(raw[0]):
                return ""
            fsa = to_fsa(raw[0])
            if fsa is None:
                problems.append(problem("type_fsa", "warning", column=step.sources[0], value=masked(raw[0]), **at))
                return ""
            return fsa
        return self._carry(column, raw[0], problems, at)

    def _client_key(self, id_type, id_value, out: OutRow, problems: list, at: dict) -> str:
        value = normalise_identifier(header_text(id_value)) if not is_blank(id_value) else ""
        if not re.search(r"\d", value):  # empty, or a placeholder such as N/A or -
            problems.append(problem("required_value", column=ID_VALUE, label=_label(ID_VALUE), **at))
            return ""
        self.identifiers.add(value)
        if is_blank(id_type):
            problems.append(problem("required_value", column=ID_TYPE, label=_label(ID_TYPE), **at))
            return ""
        found = self.id_types.get(fold(header_text(id_type)))
        if found is None:
            codes = code_lists()["identifier_type"]
            problems.append(
                problem(
                    "code_not_in_list",
                    column=ID_TYPE,
                    value=header_text(id_type),
                    codelist=codes.name,
                    examples=", ".join(codes.labels_en),
                    **at,
                )
            )
            return ""
        kind = identifier_type(found.label_en)
        out.identity = (kind, value)
        cached = self._keys.get(out.identity)
        if cached is None:
            cached = self._keys[out.identity] = client_key(self.key, found.label_en, value)
        return cached

    def _carry(self, column: Column, raw, problems: list, at: dict):
        if is_blank(raw):
            return ""
        kind = column.type
        if kind == "code":
            text = ("Yes" if raw else "No") if isinstance(raw, bool) else header_text(raw)
            found = self.lookups[column.codelist].get(fold(text))
            if found is None:
                labels = code_lists()[column.codelist].labels_en
                examples = ", ".join(labels[:4]) + (", ..." if len(labels) > 4 else "")
                problems.append(
                    problem(
                        "code_not_in_list",
                        "warning",
                        column=column.name,
                        value=text,
                        codelist=column.codelist,
                        examples=examples,
                        **at,
                    )
                )
                return ""
            return found.label_en
        if kind == "date":
            day = parse_date(raw)
            if day is None:
                problems.append(problem("type_date", "warning", column=column.name, value=header_text(raw), **at))
                return ""
            return day.isoformat()
        if kind in ("integer", "decimal", "year"):
            number = parse_number(raw)
            if number is None:
                rule = "type_year" if kind == "year" else "type_number"
                bounds = {"min": _num(column.min), "max": _num(column.max)}
                problems.append(problem(rule, "warning", column=column.name, value=header_text(raw), **bounds, **at))
                return ""
            return number
        if kind == "fsa":
            fsa = to_fsa(raw)
            if fsa is None:
                problems.append(problem("type_fsa", "warning", column=column.name, value=masked(raw), **at))
                return ""
            return fsa
        if kind == "client_key":
            text = header_text(raw).lower()
            if not KEY_PATTERN.fullmatch(text):
                problems.append(problem("type_client_key", column=column.name, value=masked(raw), **at))
                return ""
            return text
        return header_text(raw)  # record_id, course_code, agency_code, text


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _label(name: str, column: Column | None = None) -> str:
    for labels in ICARE_LABELS.values():
        if name in labels:
            return labels[name]
    return column.label_en if column else name


def roll_up(sheet: Sheet, rows: list[OutRow]) -> list[OutRow]:
    """Merge the rows of a sheet keyed by something other than record_id (the client profile, the course set-up).

    Monthly files repeat a client's profile and a course's set-up; the quarter keeps one row
    each, in the order they first appear, later non-blank values replacing earlier ones.
    """
    if RECORD_ID in sheet.column_names:
        return rows
    positions = [sheet.column_names.index(u) for u in sheet.unique]
    merged: dict[tuple, OutRow] = {}
    out: list[OutRow] = []
    for row in rows:
        key = tuple(row.values[p] for p in positions)
        if any(v == "" for v in key):
            out.append(row)
            continue
        first = merged.get(key)
        if first is None:
            merged[key] = OutRow(list(row.values), row.file, row.sheet, row.row, row.identity, row.birth)
            out.append(merged[key])
            continue
        first.values = [new if new != "" else old for old, new in zip(first.values, row.values, strict=True)]
    return out


def record_ids(sheet: Sheet, rows: list[OutRow], agency: str) -> None:
    """Fill blank record_ids deterministically from the anonymised row itself.

    ``{AGENCY}-{SHEET}-{first 12 hex of SHA-256 of the row}``, then ``-2``, ``-3``... for
    identical rows in input order.  The hash covers the anonymised values only (the client
    key, never the identifier), so it reveals nothing that the row does not show already.
    """
    if RECORD_ID not in sheet.column_names:
        return
    position = sheet.column_names.index(RECORD_ID)
    abbreviation = SHEET_ABBREVIATIONS.get(sheet.name) or "".join(w[0] for w in sheet.name.split()).upper()
    used = Counter(row.values[position] for row in rows if row.values[position] != "")
    seen: Counter = Counter()
    for row in rows:
        if row.values[position] != "":
            continue
        content = [v for i, v in enumerate(row.values) if i != position]
        digest = hashlib.sha256(json.dumps([agency, sheet.name, content], default=str).encode()).hexdigest()[:12]
        base = f"{agency}-{abbreviation}-{digest}"
        seen[base] += 1
        candidate = base if seen[base] == 1 else f"{base}-{seen[base]}"
        while used[candidate]:
            seen[base] += 1
            candidate = f"{base}-{seen[base]}"
        used[candidate] += 1
        row.values[position] = candidate
