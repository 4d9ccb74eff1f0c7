"""The extract contract: one machine-readable definition, loaded into plain objects.

``extract_v1.yaml`` and ``agencies_v1.yaml`` beside this file define the sheets and
columns; the code lists they name live in the dbt seeds (``seeds/*_code_values.csv``)
so that the validator, the generator and the warehouse read the very same values.
This module depends on nothing else in Accueil.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).resolve().parent
SEEDS_DIR = CONTRACT_DIR.parents[1] / "seeds"
CODE_VALUE_SEEDS = ("icare_code_values.csv", "accueil_code_values.csv")

COLUMN_TYPES = frozenset(
    {
        "client_key",
        "record_id",
        "year",
        "fsa",
        "date",
        "code",
        "integer",
        "decimal",
        "text",
        "agency_code",
        "course_code",
        "quarter",
    }
)


# Characters no text may hold at the door: C0 and C1 controls (tab, CR and LF included:
# every field is one line), zero-width characters and the byte-order mark, line and
# paragraph separators, and the bidirectional overrides and isolates, which make text read
# differently from what it holds.  A regular-expression character class, without brackets.
INVISIBLE = r"\x00-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
# What a spreadsheet program reads as the start of a formula (OWASP's CSV-injection list,
# less tab and CR, which INVISIBLE refuses anyway).
FORMULA_START = "=+-@"

# The whole value of a cell of these types; a column's own `pattern` (for identifiers) takes their place.
TYPE_PATTERNS = {
    "client_key": r"^[0-9a-f]{64}$",
    "fsa": r"^[A-Z][0-9][A-Z]$",
    "year": r"^(?:19|20)[0-9]{2}$",
    "date": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
    "agency_code": r"^[A-Z0-9][A-Z0-9-]{1,11}$",
    "quarter": r"^[0-9]{4}Q[1-4]$",
    "integer": r"^-?[0-9]+$",
    "decimal": r"^-?[0-9]+(?:\.[0-9]+)?$",
    "text": rf"^(?![{re.escape(FORMULA_START)}])[^{INVISIBLE}]*$",
}


class ContractError(ValueError):
    """The contract files themselves are inconsistent (a bug in the repo, not in an upload)."""


@dataclass(frozen=True)
class CodeValue:
    code: str
    label_en: str
    label_fr: str
    sort_order: int


@dataclass(frozen=True)
class CodeList:
    name: str
    values: tuple[CodeValue, ...]

    @property
    def labels_en(self) -> list[str]:
        return [v.label_en for v in self.values]

    def lookup(self) -> dict[str, CodeValue]:
        """Every accepted spelling (English label, French label, code), folded, -> value."""
        return _lookup(self.values)


@cache
def _lookup(values: tuple[CodeValue, ...]) -> dict[str, CodeValue]:
    # Built once per list: validation asks for it for every coded column of every file.
    table: dict[str, CodeValue] = {}
    for value in values:
        for spelling in (value.code, value.label_fr, value.label_en):
            table[fold(spelling)] = value
    return table


@dataclass(frozen=True)
class Column:
    name: str
    label_en: str
    label_fr: str
    type: str
    required: bool = False
    source: str = "icare"
    codelist: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    replaces: tuple[str, ...] = ()
    references: str | None = None
    required_with: str | None = None
    skill: str | None = None
    pattern: str | None = None  # an identifier's form: a regular expression the whole value matches
    description_en: str = ""
    description_fr: str = ""


@dataclass(frozen=True)
class Limits:
    """The most the door reads of one file (`limits:` in a contract file); over any, the file is refused."""

    file_bytes: int  # the file as uploaded
    members: int  # files inside the archive (an .xlsx is a zip too)
    member_bytes: int  # one member, inflated
    total_bytes: int  # every member, inflated
    ratio: int  # inflated size over compressed size of a member ...
    ratio_grace_bytes: int  # ... once it has inflated to more than this
    sheets: int
    rows_per_sheet: int
    cells_per_sheet: int  # rows times columns, empty cells included: what a reader allocates
    cells_per_file: int
    read_seconds: int  # the reading worker is stopped after this
    read_memory_bytes: int  # the reading worker's address space


@dataclass(frozen=True)
class Sheet:
    name: str
    name_fr: str
    source: str
    client_level: bool
    columns: tuple[Column, ...]
    unique: tuple[str, ...]
    event_date: tuple[str, ...] = ()
    stream: str | None = None
    table: str = ""  # the warehouse table that holds the sheet's rows

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def csv_name(self) -> str:
        """File name of this sheet inside the zip-of-CSVs form of an extract."""
        return f"{self.name}.csv"


@dataclass(frozen=True)
class Contract:
    name: str
    version: int
    title_en: str
    title_fr: str
    header_rows: dict[str, int]
    sheets: tuple[Sheet, ...]
    limits: Limits
    direct_identifiers: dict[str, str] = field(default_factory=dict)
    direct_identifiers_fr: dict[str, str] = field(default_factory=dict)  # the same reasons, in French

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(f"the {self.name} contract has no sheet {name!r}")

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def codelist_names(self) -> set[str]:
        return {c.codelist for s in self.sheets for c in s.columns if c.codelist}


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-, accent-, dash- and space-insensitive form used to match labels and values."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@cache
def code_lists() -> dict[str, CodeList]:
    values: dict[str, list[CodeValue]] = {}
    for seed in CODE_VALUE_SEEDS:
        with (SEEDS_DIR / seed).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                values.setdefault(row["code_list"], []).append(
                    CodeValue(row["code"], row["label_en"], row["label_fr"], int(row["sort_order"]))
                )
    return {name: CodeList(name, tuple(sorted(v, key=lambda x: x.sort_order))) for name, v in values.items()}


def _column(raw: dict) -> Column:
    kwargs = dict(raw)
    kwargs["replaces"] = tuple(kwargs.get("replaces", ()))
    column = Column(**kwargs)
    if column.type not in COLUMN_TYPES:
        raise ContractError(f"column {column.name} has unknown type {column.type!r}")
    if (column.type == "code") != bool(column.codelist):
        raise ContractError(f"column {column.name}: a code column needs a codelist, and only it")
    if column.pattern is not None:
        if not (column.pattern.startswith("^") and column.pattern.endswith("$")):
            raise ContractError(f"column {column.name}: a pattern must match the whole value (^...$)")
        re.compile(column.pattern)
    return column


def _limits(raw: dict | None, path: Path) -> Limits:
    try:
        return Limits(**{name: int(value) for name, value in (raw or {}).items()})
    except (TypeError, ValueError) as exc:
        raise ContractError(f"{path.name}: limits: {exc}") from None


def _load(path: Path) -> Contract:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = {name: [_column(c) for c in cols] for name, cols in (raw.get("blocks") or {}).items()}
    sheets = []
    for s in raw["sheets"]:
        columns: list[Column] = []
        for entry in s["columns"]:
            if "include" in entry:
                columns.extend(blocks[entry["include"]])
            else:
                columns.append(_column(entry))
        # A later definition of the same column (e.g. the profile's own postal_fsa) wins.
        by_name: dict[str, Column] = {}
        for col in columns:
            by_name[col.name] = col
        event_date = s.get("event_date") or ()
        sheets.append(
            Sheet(
                name=s["name"],
                name_fr=s["name_fr"],
                source=s["source"],
                client_level=bool(s["client_level"]),
                columns=tuple(by_name.values()),
                unique=tuple(s["unique"]),
                event_date=(event_date,) if isinstance(event_date, str) else tuple(event_date),
                stream=s.get("stream"),
                table=s["table"],
            )
        )
    contract = Contract(
        name=raw["name"],
        version=int(raw["version"]),
        title_en=raw["title_en"],
        title_fr=raw["title_fr"],
        header_rows=dict(raw["header_rows"]),
        sheets=tuple(sheets),
        limits=_limits(raw.get("limits"), path),
        direct_identifiers={d["name"]: d["why"] for d in raw.get("direct_identifiers") or []},
        direct_identifiers_fr={d["name"]: d["why_fr"] for d in raw.get("direct_identifiers") or []},
    )
    missing = contract.codelist_names() - set(code_lists())
    if missing:
        raise ContractError(f"{path.name} names code lists that no seed defines: {sorted(missing)}")
    for sheet in contract.sheets:
        names = set(sheet.column_names)
        for ref in (*sheet.unique, *sheet.event_date):
            if ref not in names:
                raise ContractError(f"{sheet.name}: {ref} is not one of its columns")
        leaked = names & set(contract.direct_identifiers)
        if leaked:
            raise ContractError(f"{sheet.name} carries direct identifiers {sorted(leaked)}")
    return contract


@cache
def extract_contract() -> Contract:
    return _load(CONTRACT_DIR / "extract_v1.yaml")


@cache
def agencies_contract() -> Contract:
    return _load(CONTRACT_DIR / "agencies_v1.yaml")
