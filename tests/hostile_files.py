"""Files an attacker would upload, made small enough to build in a test, and a way to watch an upload's memory."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests import workbooks as wb

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
INFO_ORIEN = "xl/worksheets/sheet3.xml"  # a generated extract's third sheet


def with_sheet(source: Path, target: Path, member: str, write_body) -> Path:
    """A copy of a workbook whose `member` sheet is streamed from write_body(handle), deflated."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != member:
                out.writestr(info, src.read(info.filename))
                continue
            entry = zipfile.ZipInfo(member)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with out.open(entry, "w") as handle:
                handle.write(SHEET_HEAD)
                write_body(handle)
                handle.write(SHEET_TAIL)
    return target


def repeated_cells(megabytes: int):
    """A long run of the same cells: what inflates a few hundred KB into `megabytes` MB."""
    row = b"<row>" + b'<c t="n"><v>0</v></c>' * 50 + b"</row>"
    block = row * (1_000_000 // len(row))

    def body(handle):
        for _ in range(megabytes):
            handle.write(block)

    return body


def numbered_rows(count: int):
    def body(handle):
        for start in range(4, count + 4, 10_000):
            handle.write(
                b"".join(
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i)
                    for i in range(start, min(start + 10_000, count + 4))
                )
            )

    return body


def far_cell(handle) -> None:
    """Two cells: A4 and the sheet's last one, so a reader would hold the whole sheet in between."""
    handle.write(b'<row r="4"><c r="A4"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def lie_about_size(path: Path, member: str, declared: int) -> Path:
    """Write a smaller uncompressed size into the member's local and central headers."""
    data = bytearray(path.read_bytes())
    offset = struct.unpack("<I", data[-6:-2])[0]  # the central directory, from the end record
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack("<3H", data[offset + 28 : offset + 34])
        name = bytes(data[offset + 46 : offset + 46 + name_length]).decode()
        if name == member:
            local = struct.unpack("<I", data[offset + 42 : offset + 46])[0]
            struct.pack_into("<I", data, offset + 24, declared)
            struct.pack_into("<I", data, local + 22, declared)
        offset += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(data))
    return path


def csv_zip_rows(target: Path, sheet: str, count: int) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        rows = "".join(f"R{i},{i * 7919 % 1_000_003:064x}\r\n" for i in range(count))  # as varied as real rows
        out.writestr(f"{sheet}.csv", "record_id,client_key\r\n" + rows)
    return target


# ---- issue 27: a second pass ----------------------------------------------------------------------------------

EMAIL, PHONE = "jane.doe@example.org", "905-555-0142"


def with_extra_sheet(source: Path, target: Path, name: str = "Notes") -> Path:
    """A good extract with one sheet more, holding an e-mail address and a phone number."""
    rows = wb.read_rows(source)
    rows[name] = [["Follow-up contacts"], ["who", "how"], ["client", EMAIL], ["client", PHONE]]
    return wb.write_rows(target, rows, as_text=True)


def csv_zip_with(source: Path, target: Path, members: dict[str, bytes]) -> Path:
    """A zip of CSVs (from a good workbook) with more members."""
    wb.csv_zip(source, target)
    with zipfile.ZipFile(target, "a") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def with_cells(source: Path, target: Path, changes: list[tuple[str, str, int, object]], as_text: bool = True) -> Path:
    """A good workbook with cells set: (sheet, machine name, data row index, value)."""
    rows = wb.read_rows(source)
    for sheet, column, index, value in changes:
        wb.set_cell(rows, sheet, column, index, value)
    return wb.write_rows(target, rows, as_text=as_text)


def record_ids_of(source: Path, target: Path, agency: str, new: str) -> Path:
    """A good workbook whose record ids name another agency: `AG001-IO-0000001` -> `{new}-IO-0000001`."""
    rows = wb.read_rows(source)
    for sheet in rows.values():
        if len(sheet) > 1 and "record_id" in sheet[1]:
            index = sheet[1].index("record_id")
            for row in sheet[3:]:
                row[index] = str(row[index]).replace(f"{agency}-", f"{new}-", 1)
    return wb.write_rows(target, rows, as_text=True)


def fifo(path: Path) -> Path:
    """A named pipe with no writer: reading it waits for ever."""
    os.mkfifo(path)
    return path


def sparse(path: Path, size: int) -> Path:
    """A regular file of `size` bytes that takes no room on disk (all zeros)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@dataclass
class Run:
    code: int
    seconds: float
    peak_bytes: int  # the whole process tree's resident memory, sampled every 20 ms
    stdout: str
    stderr: str
    # The kernel's count: the largest resident size of the command or of any process it started
    # and waited for (wait4), between samples too.
    max_rss_bytes: int


def run_watched(args: list[str], home: Path, stop_above: float = 3e9, stop_after: float = 120) -> Run:
    """`python -m accueil.cli ARGS` for this home; stopped, not left to harm the machine, past the bounds."""
    env = {**os.environ, "ACCUEIL_HOME": str(home)}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "accueil.cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    watched, peak = psutil.Process(proc.pid), 0
    while True:
        # Reaped here, not by Popen, to read this command's own resource usage: the test process's
        # RUSAGE_CHILDREN would also count every child of earlier tests in the same worker.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        if peak > stop_above or time.monotonic() - started > stop_after:
            for p in [watched, *watched.children(recursive=True)]:
                p.kill()
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    seconds = time.monotonic() - started
    return Run(proc.returncode, seconds, peak, out.decode(), err.decode(), usage.ru_maxrss * 1024)
