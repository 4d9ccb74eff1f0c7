"""The extract contract: one machine-readable definition, loaded into plain objects.

``extract_v1.yaml`` and ``agencies_v2.yaml`` (with ``agencies_v1.yaml``, which the door still
reads) beside this file define the sheets and columns; the code lists they name live in the
dbt seeds (``seeds/*_code_values.csv``), and the FSAs a site may be in in
``seeds/fsa_centroids.csv``, so that the validator, the generator and the warehouse read the
very same values.
This module depends on nothing else in Accueil.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

# Imported under their own names: the door and the tests take them from accueil.contract.
from accueil import yaml_files
from accueil.contract.cell_patterns import COLUMN_TYPES
from accueil.contract.cell_patterns import FORMULA_START as FORMULA_START
from accueil.contract.cell_patterns import INVISIBLE as INVISIBLE
from accueil.contract.cell_patterns import INVISIBLE_CATEGORIES as INVISIBLE_CATEGORIES
from accueil.contract.cell_patterns import TYPE_PATTERNS as TYPE_PATTERNS

CONTRACT_DIR = Path(__file__).resolve().parent
SEEDS_DIR = CONTRACT_DIR.parents[1] / "seeds"
CODE_VALUE_SEEDS = ("icare_code_values.csv", "accueil_code_values.csv")


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


# One end of a plausible range, as the contract writes it (`earliest:` and `latest:`).
_BOUND = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})|(?P<quarter>\d{4}Q[1-4])|(?P<year>\d{4})"
    r"|(?P<base>quarter_start|quarter_end|quarter_year|current_quarter)(?:\s*(?P<sign>[+-])\s*(?P<offset>\d+))?"
    r"|(?P<column>[a-z][A-Za-z0-9_]*))$"
)
_BASE_TEXT = {
    "quarter_start": ("the quarter's first day", "le premier jour du trimestre"),
    "quarter_end": ("the quarter's last day", "le dernier jour du trimestre"),
    "quarter_year": ("the quarter's year", "l'année du trimestre"),
    "current_quarter": ("the current quarter", "le trimestre en cours"),
}


@dataclass(frozen=True)
class Bound:
    """One end of a value's plausible range.

    `kind` is `date`, `year` or `quarter` (a fixed value), `quarter_start`, `quarter_end` or
    `quarter_year` (the quarter the extract is declared for; `offset` in years), `current_quarter`
    (today's; `offset` in quarters), or `column` (the year in another column of the same row).
    """

    kind: str
    value: str = ""  # the fixed value, or the column's name
    offset: int = 0

    @classmethod
    def parse(cls, raw) -> Bound:
        text = raw.isoformat() if hasattr(raw, "isoformat") else str(raw).strip()
        match = _BOUND.match(text)
        if not match:
            raise ContractError(
                f"{text!r} is not a bound: write a date, a year, a quarter, quarter_start, "
                "quarter_end, quarter_year - N, current_quarter + N or a column name"
            )
        for kind in ("date", "quarter", "year", "column"):
            if match[kind]:
                return cls(kind, match[kind])
        offset = int(match["offset"] or 0) * (-1 if match["sign"] == "-" else 1)
        return cls(match["base"], "", offset)

    def text(self, lang: str = "en") -> str:
        """How docs and reports say it: '1950-01-01', "the quarter's year − 110"."""
        if self.kind in ("date", "quarter", "year"):
            return self.value
        if self.kind == "column":
            return f"`{self.value}`" if lang == "en" else f"« {self.value} »"
        base = _BASE_TEXT[self.kind][0 if lang == "en" else 1]
        return base + (f" {'+' if self.offset > 0 else '−'} {abs(self.offset)}" if self.offset else "")


def bounds_text(earliest: tuple[Bound, ...], latest: tuple[Bound, ...], lang: str = "en") -> str:
    """ "not before 1950-01-01 or `client_birth_year`, and not after the quarter's last day" (or French)."""
    en = lang == "en"
    parts = []
    if earliest:
        parts.append(
            ("not before " if en else "pas avant ") + (" or " if en else " ni ").join(b.text(lang) for b in earliest)
        )
    if latest:
        parts.append(
            ("not after " if en else "pas après ") + (" or " if en else " ni ").join(b.text(lang) for b in latest)
        )
    return (", and " if en else ", et ").join(parts)


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
    known_in: str | None = None  # a seed whose first column lists every value allowed (fsa_centroids)
    description_en: str = ""
    description_fr: str = ""
    # A plausible value's bounds (year, date and quarter columns): it is refused before the latest
    # of `earliest` or after the earliest of `latest`.
    earliest: tuple[Bound, ...] = ()
    latest: tuple[Bound, ...] = ()


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
    # The quarters an upload may be declared for (`quarters:`): (earliest, latest), or None.
    quarters: tuple[Bound, Bound] | None = None

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
    for end in ("earliest", "latest"):
        given = kwargs.get(end, ())
        kwargs[end] = tuple(Bound.parse(b) for b in (given if isinstance(given, list | tuple) else [given]))
    column = Column(**kwargs)
    if column.type not in COLUMN_TYPES:
        raise ContractError(f"column {column.name} has unknown type {column.type!r}")
    if (column.type == "code") != bool(column.codelist):
        raise ContractError(f"column {column.name}: a code column needs a codelist, and only it")
    if column.known_in is not None and column.type != "fsa":
        raise ContractError(f"column {column.name}: only an FSA column is checked against a seed")
    if column.known_in is not None and not (SEEDS_DIR / f"{column.known_in}.csv").exists():
        raise ContractError(f"column {column.name}: no seed {column.known_in}.csv lists its values")
    if column.pattern is not None:
        if not (column.pattern.startswith("^") and column.pattern.endswith("$")):
            raise ContractError(f"column {column.name}: a pattern must match the whole value (^...$)")
        re.compile(column.pattern)
    for bound in (*column.earliest, *column.latest):
        if bound.kind not in BOUND_KINDS.get(column.type, ()):
            raise ContractError(f"column {column.name}: a {column.type} column cannot be bounded by {bound.kind}")
    return column


# Which bounds each type of column may have.
BOUND_KINDS = {
    "year": ("year", "quarter_start", "quarter_end", "quarter_year"),
    "date": ("date", "year", "quarter_start", "quarter_end", "quarter_year", "column"),
    "quarter": ("quarter", "current_quarter"),
}


def _limits(raw: dict | None, path: Path) -> Limits:
    try:
        return Limits(**{name: int(value) for name, value in (raw or {}).items()})
    except (TypeError, ValueError) as exc:
        raise ContractError(f"{path.name}: limits: {exc}") from None


def _quarters(raw: dict | None, path: Path) -> tuple[Bound, Bound] | None:
    if raw is None:
        return None
    bounds = (Bound.parse(raw["earliest"]), Bound.parse(raw["latest"]))
    if bounds[0].kind != "quarter" or bounds[1].kind != "current_quarter":
        raise ContractError(f"{path.name}: quarters: earliest is a quarter (YYYYQn), latest current_quarter + N")
    return bounds


def _load(path: Path) -> Contract:
    raw = yaml_files.load(path)
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
        quarters=_quarters(raw.get("quarters"), path),
    )
    missing = contract.codelist_names() - set(code_lists())
    if missing:
        raise ContractError(f"{path.name} names code lists that no seed defines: {sorted(missing)}")
    for sheet in contract.sheets:
        names = set(sheet.column_names)
        for ref in (*sheet.unique, *sheet.event_date):
            if ref not in names:
                raise ContractError(f"{sheet.name}: {ref} is not one of its columns")
        for col in sheet.columns:
            for bound in (*col.earliest, *col.latest):
                if bound.kind == "column" and (bound.value not in names or sheet.column(bound.value).type != "year"):
                    raise ContractError(f"{sheet.name}: {col.name} is bounded by {bound.value}, not a year column")
        leaked = names & set(contract.direct_identifiers)
        if leaked:
            raise ContractError(f"{sheet.name} carries direct identifiers {sorted(leaked)}")
    return contract


@cache
def extract_contract() -> Contract:
    return _load(CONTRACT_DIR / "extract_v1.yaml")


@cache
def agencies_contract() -> Contract:
    """The agency reference file as the warehouse holds it (version 2)."""
    return _load(CONTRACT_DIR / "agencies_v2.yaml")


@cache
def agencies_contract_v1() -> Contract:
    """Version 1 of the agency reference file, which the door still accepts (accueil.ingest.versions)."""
    return _load(CONTRACT_DIR / "agencies_v1.yaml")


@cache
def known_values(seed: str) -> frozenset[str]:
    """The values of the first column of `seeds/<seed>.csv` (a `known_in` column's allowed values)."""
    with (SEEDS_DIR / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        return frozenset(row[0] for row in rows if row)


@cache
def survey_contract() -> Contract:
    """A client feedback file (docs/extract-contract.md, "Client feedback files")."""
    return _load(CONTRACT_DIR / "survey_v1.yaml")
