"""The first look at an uploaded file, made in the reading worker: bounded work before any cell is read.

Every member of the archive (an .xlsx is a zip too) is inflated from its own compressed
bytes, as a reader would, with a cap, whatever its header declares: the members, their
declared and actual sizes, their compression ratios, and the rows and cells of each sheet
are checked against the contract's limits before calamine or the CSV reader sees a byte.
The counts are upper bounds made by counting tags and separators, at about a millisecond
a megabyte; once a sheet is read, its real size is checked again before its cells become
Python objects.

Written by hand: neither zipfile nor calamine has such limits, and zipfile stops at the
size a member declares while other readers do not.  The reading worker's own memory and
time limits (accueil.ingest.sandbox) bound whatever these checks miss.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from accueil.contract import Limits
from accueil.report import Problem, problem

CHUNK = 1 << 20  # inflated bytes looked at in one go
# What begins a row or a cell in a sheet's XML.  Other tags begin so too (`<rowBreaks`,
# `<col`), far fewer than the cells: the counts are upper bounds.  A sheet written with a
# namespace prefix (`<x:row>`) is not counted here, only once read (`_checked_shape`).
_XML_ROWS = (b"<row",)
_XML_CELLS = (b"<c",)
_CSV_ROWS = (b"\n", b"\r")  # a line ends with either, or with both (counted once: _CRLF)
_CSV_CELLS = (b",", b";", b"\n", b"\r")
_CRLF = (b"\r\n",)
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")  # never in Office XML; the way to an entity bomb

# limit -> (what is measured, in English and French); {name} is the member or sheet.
WHAT = {
    "file_bytes": ("the size of the file", "la taille du fichier"),
    "members": ("the number of files inside the archive", "le nombre de fichiers dans l'archive"),
    "member_bytes": ("the uncompressed size of '{name}'", "la taille décompressée de « {name} »"),
    "total_bytes": ("the uncompressed size of the archive", "la taille décompressée de l'archive"),
    "ratio": ("the compression ratio of '{name}'", "le taux de compression de « {name} »"),
    "sheets": ("the number of sheets", "le nombre de feuilles"),
    "rows_per_sheet": ("the number of rows of '{name}'", "le nombre de lignes de « {name} »"),
    "cells_per_sheet": ("the number of cells of '{name}'", "le nombre de cellules de « {name} »"),
    "cells_per_file": ("the number of cells of the file", "le nombre de cellules du fichier"),
}


# Between the cells and the rows of a sheet packed into one string for the way back from the
# worker: pickling one string is a copy, pickling a list per row costs as much as reading.
_CELL, _ROW = "\x1f", "\x1e"


@dataclass
class RawTables:
    """What the worker read: each sheet's rows as the texts of its cells, or None and the problems why not."""

    tables: dict[str, list[list[str]]] | None
    problems: list[Problem] = field(default_factory=list)
    layout: str = "xlsx"  # or "csv": where the headers are
    peak_rss_bytes: int = 0  # the worker's, filled in by the sandbox
    packed: dict[str, tuple[int, str]] | None = None  # sheet -> (rows, text)
    others: list[str] = field(default_factory=list)  # members of a zip of CSVs that are not CSV files

    def pack(self) -> None:
        """Each sheet as one string, unless a cell holds a separator (the door refuses such text anyway)."""
        if not self.tables:
            return
        packed = {}
        for name, rows in self.tables.items():
            text = _ROW.join(_CELL.join(row) for row in rows)
            separators = sum(len(row) - 1 for row in rows if row) + len(rows) - 1
            if rows and (text.count(_CELL) + text.count(_ROW) != separators or any(not row for row in rows)):
                return
            packed[name] = (len(rows), text)
        self.tables, self.packed = None, packed

    def unpack(self) -> None:
        if self.packed is not None:
            self.tables = {
                name: [row.split(_CELL) for row in text.split(_ROW)] if count else []
                for name, (count, text) in self.packed.items()
            }
            self.packed = None


def cell_text(value) -> str:
    """One spreadsheet cell as the text an agency typed: 12345677.0 -> '12345677', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _texts(rows: list[list]) -> list[list[str]]:
    # CSV cells are text already; most of a workbook's are too.
    return [[v.strip() if type(v) is str else cell_text(v) for v in row] for row in rows]


class Refused(Exception):
    def __init__(self, found: Problem):
        super().__init__(found.rule)
        self.problem = found


def over_limit(limit: str, found: int, allowed: int, name: str = "", stopped: bool = False) -> Problem:
    """`stopped`: counting stopped past the limit, so what was found is only a lower bound."""
    what_en, what_fr = WHAT[limit]
    return problem(
        "over_limit",
        what=what_en.format(name=name),
        what_fr=what_fr.format(name=name),
        found=("more than " if stopped else "") + _amount(limit, allowed if stopped else found, "en"),
        found_fr=("plus de " if stopped else "") + _amount(limit, allowed if stopped else found, "fr"),
        limit=_amount(limit, allowed, "en"),
        limit_fr=_amount(limit, allowed, "fr"),
    )


def _amount(limit: str, value: int, lang: str) -> str:
    if limit.endswith("bytes"):
        text = f"{value / 1e6:,.1f} " + ("MB" if lang == "en" else "Mo")
    elif limit == "ratio":
        text = f"{value:,} " + ("to 1" if lang == "en" else "pour 1")
    else:
        text = f"{value:,}"
    return text if lang == "en" else text.replace(",", "\u202f").replace(".", ",")


def _check(limit: str, found: int, limits: Limits, name: str = "", stopped: bool = False) -> None:
    allowed = getattr(limits, limit)
    if found > allowed:
        raise Refused(over_limit(limit, found, allowed, name, stopped))


def _damaged(detail: str) -> Refused:
    return Refused(problem("file_unreadable", detail=detail))


def read_tables(data: bytes, limits: Limits) -> RawTables:
    """Check the file against the limits, then read it; every refusal is a problem, never an exception."""
    if not data or not data.strip():
        return RawTables(None, [problem("file_empty")])
    try:
        _check("file_bytes", len(data), limits)
        if not data.startswith(b"PK"):
            raise _damaged("it is neither .xlsx nor .zip")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise _damaged(f"the archive is damaged or truncated: {exc}") from None
        workbook = "xl/workbook.xml" in archive.NameToInfo
        scan(data, archive, limits, workbook)
        if workbook:
            return RawTables(_xlsx_tables(data, limits), layout="xlsx")
        others = [n for n in archive.namelist() if not _is_csv(n) and not _is_folder_or_finder(n)]
        return RawTables(_csv_tables(archive, limits), layout="csv", others=others)
    except Refused as refused:
        return RawTables(None, [refused.problem])


def _is_csv(name: str) -> bool:
    return not _is_folder_or_finder(name) and name.lower().endswith(".csv")


def _is_folder_or_finder(name: str) -> bool:
    """A folder entry, or what macOS's Finder adds to every zip it makes (resource forks)."""
    return name.endswith("/") or name.startswith("__MACOSX/")


def scan(data: bytes, archive: zipfile.ZipFile, limits: Limits, workbook: bool) -> None:
    """Raise Refused at the first limit the archive breaks: declared sizes first, then actual ones.

    A workbook's every XML member is counted as if it were a sheet: its relationships may put
    a sheet anywhere, and the other members hold no row or cell tags.
    """
    infos = archive.infolist()
    _check("members", len(infos), limits)
    if workbook:
        sheets = sum(1 for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"))
    else:
        sheets = sum(1 for i in infos if _is_csv(i.filename))
    _check("sheets", sheets, limits)
    for info in infos:
        _check("member_bytes", info.file_size, limits, info.filename)
        if info.file_size > limits.ratio_grace_bytes:
            _check("ratio", info.file_size // max(info.compress_size, 1), limits, info.filename)
    _check("total_bytes", sum(i.file_size for i in infos), limits)
    inflated, cells = 0, 0
    for info in infos:
        counter = _Counter(info.filename, workbook)
        inflated += _inflate(data, info, limits, limits.total_bytes - inflated, counter)
        counter.check(limits)
        cells += counter.cells
        _check("cells_per_file", cells, limits)


_SEAM = 8  # one less than the longest marker


def _count(markers: tuple[bytes, ...], piece: bytes, tail: bytes) -> int:
    """Occurrences in the piece, and those cut in two by its boundary with the previous one."""
    head = piece[:_SEAM]
    seam = tail + head
    return sum(piece.count(m) + seam.count(m) - tail.count(m) - head.count(m) for m in markers)


class _Counter:
    """Upper bounds of a sheet's rows and cells, counted in its inflated bytes as they go by."""

    def __init__(self, name: str, workbook: bool):
        self.name = name
        xml = workbook and name.endswith(".xml")
        csv_sheet = not workbook and _is_csv(name)
        self.row_markers = _XML_ROWS if xml else _CSV_ROWS if csv_sheet else ()
        self.cell_markers = _XML_CELLS if xml else _CSV_CELLS if csv_sheet else ()
        self.refused = _XML_DECLARATIONS if workbook else ()
        self.twice = _CRLF if csv_sheet else ()
        self.rows = self.cells = 0
        self.tail = b""

    def __call__(self, piece: bytes) -> None:
        if self.refused and _count(self.refused, piece, self.tail):
            raise _damaged(f"'{self.name}' declares a DTD or entities, which no workbook has")
        twice = _count(self.twice, piece, self.tail)
        self.rows += _count(self.row_markers, piece, self.tail) - twice
        self.cells += _count(self.cell_markers, piece, self.tail) - twice
        self.tail = piece[-_SEAM:]

    def check(self, limits: Limits) -> None:
        if self.row_markers:
            _check("rows_per_sheet", self.rows, limits, self.name)
            _check("cells_per_sheet", self.cells, limits, self.name)


def _inflate(data: bytes, info: zipfile.ZipInfo, limits: Limits, room: int, counter: _Counter) -> int:
    """Inflate one member from its compressed bytes, under the caps; its real size, CRC checked."""
    if info.flag_bits & 0x1:
        raise _damaged(f"'{info.filename}' is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged(f"'{info.filename}' uses compression method {info.compress_type}; save it again as .xlsx")
    size, crc = 0, 0
    for piece in _pieces(data, info):
        size += len(piece)
        _check("member_bytes", size, limits, info.filename, stopped=True)
        if size > room:
            raise Refused(over_limit("total_bytes", limits.total_bytes + 1, limits.total_bytes, stopped=True))
        if size > limits.ratio_grace_bytes:
            _check("ratio", size // max(info.compress_size, 1), limits, info.filename, stopped=True)
        crc = zlib.crc32(piece, crc)
        counter(piece)
    if crc != info.CRC or size != info.file_size:
        raise _damaged(f"the archive member {info.filename} is damaged")
    return size


def _pieces(data: bytes, info: zipfile.ZipInfo):
    """The member's inflated bytes, CHUNK at most at a time, read from where its local header says."""
    header = data[info.header_offset : info.header_offset + zipfile.sizeFileHeader]
    if len(header) < zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
        raise _damaged(f"the archive member {info.filename} is damaged")
    fields = struct.unpack(zipfile.structFileHeader, header)
    start = info.header_offset + zipfile.sizeFileHeader + fields[-2] + fields[-1]
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) < info.compress_size:
        raise _damaged(f"the archive member {info.filename} is truncated")
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), CHUNK):
            yield bytes(raw[offset : offset + CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for offset in range(0, len(raw), 1 << 16):
            pending = raw[offset : offset + (1 << 16)]
            while pending:
                yield inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as exc:
        raise _damaged(f"the archive member {info.filename} is damaged: {exc}") from None


def _xlsx_tables(data: bytes, limits: Limits) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        _check("sheets", len(book.sheet_names), limits)
        tables, cells = {}, 0
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            # Rows and columns from A1, as to_python(skip_empty_area=False) gives them.
            rows, columns = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
            cells += _checked_shape(name, rows, columns, cells, limits)
            tables[name] = _texts(sheet.to_python(skip_empty_area=False))
        return tables
    except Refused:
        raise
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise _damaged(f"the workbook is damaged: {exc}") from None


def _checked_shape(name: str, rows: int, columns: int, cells: int, limits: Limits) -> int:
    _check("rows_per_sheet", rows, limits, name)
    _check("cells_per_sheet", rows * columns, limits, name)
    _check("cells_per_file", cells + rows * columns, limits)
    return rows * columns


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page, Windows-1252 in Canada;
        # some tools put a UTF-8 byte-order mark in front of it all the same.
        return raw.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")


def _csv_tables(archive: zipfile.ZipFile, limits: Limits) -> dict[str, list[list]]:
    tables: dict[str, list[list]] = {}
    cells = 0
    for name in archive.namelist():
        if not _is_csv(name):
            continue
        text = _decode(archive.read(name))
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise _damaged(f"{name} is not a CSV file: {exc}") from None
        sheet = name.rsplit("/", 1)[-1][:-4]
        if sheet in tables:  # one would hide the other
            raise _damaged(f"the zip holds two files named '{sheet}.csv'")
        cells += _checked_shape(sheet, len(rows), max((len(r) for r in rows), default=0), cells, limits)
        tables[sheet] = _texts(rows)
    if not tables:
        raise _damaged("the zip holds no .csv file")
    return tables
