"""`accueil generate --identified`: the region's extracts as the agencies hold them, before anonymisation.

For each agency and quarter, ``identified/{AGENCY}_{YYYY}Q{n}.xlsx`` is a plain iCARE-layout
workbook (row 1 title, row 2 machine names, row 3 iCARE's labels, data from row 4) with
the same rows as the anonymised extract but with fictitious direct identifiers in place of
the anonymised columns:

* ``client_validation_type_id`` / ``client_validation_id``: the client's fictitious UCI,
  formatted the way each agency's system happens to write it (dashes, spaces, leading
  zeros, a number cell, the French label of the type);
* ``client_birth_dt``: a fictitious full date in the birth year;
* ``postal_cd`` / ``postal_txt``: the FSA plus a fictitious local delivery unit;
* on the client profile a phone number (555-01xx, reserved for fiction), an e-mail address
  at example.org and a street address; on the course set-up a contact person and address;
* ``processing_details`` quoting the identifier now and then, as iCARE's messages do.

The Accueil-only columns and sheets are included as extra columns and sheets, and so is
``record_id``, so that ``accueil anonymise`` with ``identified/partnership.key`` gives back
the anonymised extract value for value.  Every identifier here is invented.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import xlsxwriter

from accueil.anonymise.icare_labels import ICARE_LABELS
from accueil.anonymise.keys import write_key_file
from accueil.contract import Sheet, extract_contract
from accueil.quarters import Quarter
from accueil.workbook import FIXED_CREATED

FOLDER = "identified"
KEY_FILE = "partnership.key"
ID_TYPES = ("FOSS/GCMS Client ID", "ID client SSOBL/SMGC")  # English and French spellings of one type
PROFILE_CONTACT = ("phone_no", "email_txt_ind", "email_txt", "street_no", "street_nme", "street_type_id", "city_txt")
COURSE_CONTACT = (
    "course_note",
    "contact_nme",
    "street_no",
    "street_nme",
    "street_type_id",
    "city_id",
    "postal_cd",
    "phone_no",
    "email_txt",
)
STREETS = ("Bunting", "Glendale", "Carlton", "Geneva", "Vine", "Linwell", "Scott", "Queenston", "Lakeport", "Facer")
STREET_TYPES = ("Street", "Avenue", "Road", "Crescent", "Drive")
LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # letters Canada Post uses


def layout(sheet: Sheet) -> list[str]:
    """Machine names of an identified sheet: iCARE's identifier columns where the extract has its replacements."""
    names = ["processing_details"] if sheet.source == "icare" else []
    for column in sheet.columns:
        if column.name == "record_id":
            continue
        names += list(column.replaces) or [column.name]
        if sheet.name == "Client Profile" and column.name == "client_birth_year":
            names += PROFILE_CONTACT
    if sheet.name == "LT Course Setup":
        names += COURSE_CONTACT
    if "record_id" in sheet.column_names:
        names.append("record_id")  # an extra column, as an agency's system would add its own row id
    return names


def label(sheet: Sheet, name: str) -> str:
    for labels in (ICARE_LABELS.get(sheet.name, {}), ICARE_LABELS["Needs Assessment&Referrals"]):
        if name in labels:
            return labels[name]
    return sheet.column(name).label_en if name in sheet.column_names else name


class IdentifiedWriter:
    """Writes one identified workbook per agency and quarter, and the region's partnership key."""

    def __init__(self, out: Path, clients: pd.DataFrame, key: bytes):
        self.folder = out / FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        write_key_file(self.folder / KEY_FILE, key, overwrite=True)
        self.index = {k: i for i, k in enumerate(clients["client_key"].tolist())}
        self.ucis = clients["uci"].to_numpy()
        self.birth_years = clients["birth_year"].to_numpy()
        self.contract = extract_contract()
        self.layouts = {s.name: layout(s) for s in self.contract.sheets}

    def write(self, agency: int, code: str, quarter: Quarter, rows: dict[str, list[tuple]]) -> Path:
        path = self.folder / f"{code}_{quarter}.xlsx"
        book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        book.set_properties(
            {"title": f"Fictitious iCARE export {code} {quarter}", "author": "Accueil", "created": FIXED_CREATED}
        )
        bold = book.add_format({"bold": True, "text_wrap": True})
        day_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for sheet in self.contract.sheets:
            if sheet.name not in rows:
                continue
            names = self.layouts[sheet.name]
            ws = book.add_worksheet(sheet.name[:31])
            ws.write_string(0, 0, f"Fictitious iCARE bulk upload, {code} {quarter}\n{sheet.name}", bold)
            ws.write_row(1, 0, names)
            ws.write_row(2, 0, [label(sheet, n) for n in names], bold)
            for r, row in enumerate(rows[sheet.name], start=3):
                values = dict(zip(sheet.column_names, row, strict=True))
                for c, name in enumerate(names):
                    value = self._cell(name, values, agency, code, r)
                    if value is None or value == "":
                        continue
                    if isinstance(value, date):
                        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day_format)
                    elif isinstance(value, str):
                        ws.write_string(r, c, value)
                    else:
                        ws.write_number(r, c, value)
        book.close()
        return path

    def _cell(self, name: str, values: dict, agency: int, code: str, row: int):
        if "client_key" not in values:  # the course set-up, with its contact person
            return course_contact(name, code, values["course_cd"]) if name in COURSE_CONTACT else values.get(name, "")
        client = self.index[values["client_key"]]
        uci = int(self.ucis[client])
        if name == "client_validation_type_id":
            return ID_TYPES[agency % 3 == 2]
        if name == "client_validation_id":
            return uci_cell(uci, agency)
        if name == "client_birth_dt":
            return birth_cell(birth_date(int(self.birth_years[client]), client), agency)
        if name in ("postal_cd", "postal_txt"):
            return postal_code(values["postal_fsa"], client, agency) if values["postal_fsa"] else ""
        if name == "processing_details":
            if (client + row) % 25 == 0:
                return f"[RID:{row}] (Client) Unable to validate {uci_cell(uci, 3)} against database."
            return ""
        if name in PROFILE_CONTACT:
            return profile_contact(name, client, agency)
        return values.get(name, "")


# Each agency's system writes identifiers its own way; with three agencies every way below occurs.
def uci_cell(uci: int, agency: int):
    text = f"{uci:08d}"
    return (uci, f"{text[:4]}-{text[4:]}", f"00 {text[:4]} {text[4:]}", text, f"00{text}")[agency % 5]


def birth_date(year: int, client: int) -> date:
    return date(year, 1, 1) + timedelta(days=(client * 7919) % 365)


def birth_cell(day: date, agency: int):
    return (day.isoformat(), day, day.strftime("%Y/%m/%d"))[agency % 3]  # text, a real date cell, slashes


def postal_code(fsa: str, client: int, agency: int) -> str:
    n = zlib.crc32(f"{client}:{fsa}".encode())
    ldu = f"{n % 10}{LDU_LETTERS[(n // 10) % len(LDU_LETTERS)]}{(n // 200) % 10}"
    return (f"{fsa} {ldu}", f"{fsa}{ldu}", f"{fsa} {ldu}".lower())[agency % 3]


def profile_contact(name: str, client: int, agency: int):
    phone = f"905-555-{100 + client % 100:04d}"
    return {
        "phone_no": int(phone.replace("-", "")) if agency % 2 else phone,
        "email_txt_ind": "Yes",
        "email_txt": f"client{client:06d}@example.org",
        "street_no": str(10 + client % 890),
        "street_nme": STREETS[client % len(STREETS)],
        "street_type_id": STREET_TYPES[client % len(STREET_TYPES)],
        "city_txt": "St. Catharines",
    }[name]


def course_contact(name: str, code: str, course: str) -> str:
    return {
        "course_note": f"{course}: ask for Robin Exemple at the front desk",
        "contact_nme": "Robin Exemple",
        "street_no": "1200",
        "street_nme": "Glendale",
        "street_type_id": "Avenue",
        "city_id": "St. Catharines",
        "postal_cd": "L2R 7K6",
        "phone_no": "905-555-0199",
        "email_txt": f"courses.{code.lower()}@example.org",
    }.get(name, "")
