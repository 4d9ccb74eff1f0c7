"""`accueil anonymise` and `accueil keygen` on real files: IRCC's reference workbook and small crafted ones."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from accueil.anonymise.commands import anonymise, keygen
from accueil.anonymise.icare_labels import AMBIGUOUS, ICARE_LABELS, derive
from accueil.anonymise.keys import write_key_file
from accueil.pseudonym import client_key, normalise_identifier
from tests.conftest import ICARE_WORKBOOK
from tests.raw_extracts import read_workbook

# A fixed key, so that the bytes of every output are fixed too (client keys are hex and could,
# with a random key, contain a short digit sequence by chance).
KEY = hashlib.sha256(b"accueil test partnership").digest()
OTHER_KEY = hashlib.sha256(b"another partnership").digest()
IDENTIFYING_COLUMNS = (
    "client_validation_id",
    "phone_no",
    "email_txt",
    "street_no",
    "street_nme",
    "unit_txt",
    "city_txt",
    "city_id",
    "postal_cd",
    "postal_txt",
    "contact_nme",
    "processing_details",
)
SHORT = 5  # tokens shorter than this are checked as whole cells only


def key_file(folder: Path, key: bytes = KEY, name: str = "partnership.key") -> Path:
    path = folder / name
    write_key_file(path, key)
    return path


def run_anonymise(*args) -> tuple[int, str]:
    result = CliRunner().invoke(anonymise, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def report_rows(out: Path) -> list[dict]:
    path = out.with_name(out.name.rsplit(".", 1)[0] + ".report.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_icare(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook in iCARE's layout: each sheet's rows are written as given (title, names, labels, data)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    book.close()
    return path


def reference_rows() -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(ICARE_WORKBOOK))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def identifying_tokens() -> set[str]:
    """Every value of the reference workbook's identifying columns, in every form it could take."""
    tokens: set[str] = set()
    for rows in reference_rows().values():
        if len(rows) < 4:
            continue
        names = [str(n) for n in rows[1]]
        for column in IDENTIFYING_COLUMNS:
            if column not in names:
                continue
            for row in rows[3:]:
                value = row[names.index(column)]
                if value in ("", None):
                    continue
                text = str(value).strip()
                tokens.add(text)
                if isinstance(value, float) and value.is_integer():
                    tokens.add(str(int(value)))
                if column == "client_validation_id":
                    tokens.add(normalise_identifier(value))
                if column.startswith("postal"):
                    tokens.update({text.replace(" ", "").upper(), text.upper()})
                if column == "phone_no":
                    tokens.add(re.sub(r"\D", "", text))
    return tokens


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def leaked(path: Path, tokens: set[str]) -> list[str]:
    """Tokens found in the file's raw bytes, in any decompressed member, or as a whole cell."""
    raw = path.read_bytes()
    contents = members(path)
    found = []
    for token in sorted(tokens):
        encoded = token.encode()
        escaped = token.replace("&", "&amp;").encode()
        if len(token) >= SHORT and (encoded in raw or any(encoded in m or escaped in m for m in contents.values())):
            found.append(token)
            continue
        whole_xml = re.compile(rb">" + re.escape(escaped) + rb"</[tv]>")
        if any(whole_xml.search(m) for m in contents.values()):
            found.append(token)
            continue
        if path.suffix == ".zip":
            for data in contents.values():
                if any(token in row for row in csv.reader(io.StringIO(data.decode("utf-8")))):
                    found.append(token)
                    break
    return found


@pytest.mark.parametrize("suffix", ["xlsx", "zip"])
def test_reference_workbook_is_anonymised_and_no_identifier_leaves(tmp_path, suffix):
    tokens = identifying_tokens()
    # The test means something only if it looks for the workbook's real identifiers.
    assert {
        "12345678",
        "12345677",
        "12345677.0",
        "902-628-1285",
        "hnestor@cathcrosscultural.org",
        "M2M 1A1",
        "M6G3A4",
        "A2B 3Ac",
        "1256",
        "College",
        "Lettuce",
        "Hope Nestor",
    } <= tokens
    # ... and only if the search finds them where they are: in the input itself.
    assert {"12345678", "12345677", "902-628-1285", "abc@gmail.com", "M2M 1A1", "Ham", "32", "123"} <= set(
        leaked(ICARE_WORKBOOK, tokens)
    )
    out = tmp_path / f"AG001_2018Q2.{suffix}"
    code, output = run_anonymise(
        ICARE_WORKBOOK, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )

    # What happens: the example file's inconsistencies are warnings, so the extract is written.
    assert code == 0, output
    assert out.exists()
    assert leaked(out, tokens) == []
    # The report never quotes an identifier either: it can be shown to the partnership's helpdesk.
    html, report_csv = out.with_suffix(".report.html"), out.with_suffix(".report.csv")
    for report in (html, report_csv):
        text = report.read_text(encoding="utf-8")
        assert [t for t in tokens if len(t) >= SHORT and t in text] == []
    assert "Anonymised extract written" in html.read_text(encoding="utf-8")

    problems = report_rows(out)
    assert all(p["Severity"] == "warning" for p in problems)
    found = {(p["Rule"], p["Sheet"], p["Column"], p["Value"]) for p in problems}
    assert ("course_code_mismatch", "LT Client Enrol", "course_cd", "L-CCSNAR18008") in found
    assert ("course_code_mismatch", "LT Client Exit", "course_cd", "L-CCSMARS18008") in found
    conflicts = [p for p in problems if p["Rule"] == "birth_date_conflict"]
    # 12345678 is born 1978-05-20 on five sheets and 1998-12-25 on the needs assessment.
    assert [(p["Sheet"], p["Row"], p["Value"]) for p in conflicts] == [("Needs Assessment&Referrals", "4", "")]
    assert "Client Profile row 4; Needs Assessment&Referrals row 4" in conflicts[0]["Problem"]
    not_in_list = {(p["Column"], p["Value"]) for p in problems if p["Rule"] == "code_not_in_list"}
    assert not_in_list == {
        ("province_id", "Vancouver"),
        ("official_language_id", "Mandarin"),
        ("official_language_id", "Latin"),
        ("official_language_id", "Spanish"),
    }

    sheets = read_extract(out)
    profile = sheets["Client Profile"]
    assert len(profile) == 7
    assert all(re.fullmatch(r"[0-9a-f]{64}", k) for k in profile["client_key"])
    assert profile["client_key"].iloc[0] == client_key(KEY, "FOSS/GCMS Client ID", "12345678")
    assert set(profile["client_birth_year"].astype(float)) == {1978.0}
    assert list(profile["postal_fsa"]) == ["M6G"] + ["M2M"] * 6
    # Values outside the code lists are left blank, not carried: free text never leaves the agency.
    assert list(profile["official_language_id"]) == ["English", "English", "English", "", "", "", "English"]
    assert list(profile["province_id"]) == ["Ontario"] * 4 + [""] + ["Ontario"] * 2
    needs = sheets["Needs Assessment&Referrals"].iloc[0]
    assert (needs["postal_fsa"], float(needs["client_birth_year"])) == ("A2B", 1998.0)  # from 'A2B 3Ac'
    assert re.fullmatch(r"AG001-NAR-[0-9a-f]{12}", needs["record_id"])
    assert sheets["Employment"].iloc[0]["intervention_leave_reason_id"] == "Found Employment"


def read_extract(path: Path):
    if path.suffix == ".xlsx":
        return read_workbook(path)
    import pandas as pd

    return {
        name[: -len(".csv")]: pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        for name, data in members(path).items()
    }


def test_the_same_input_gives_the_same_bytes(tmp_path):
    key = key_file(tmp_path)
    outs = []
    for name in ("one.xlsx", "two.xlsx", "one.zip", "two.zip"):
        code, output = run_anonymise(
            ICARE_WORKBOOK, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key, "--out", tmp_path / name
        )
        assert code == 0, output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1] and outs[2] == outs[3]


def person_sheets(type_label, identifier, birth, *, other=("FOSS/GCMS Client ID", "87654321", "1990-01-01")):
    names = [
        "processing_details",
        "client_validation_type_id",
        "client_validation_id",
        "client_birth_dt",
        "postal_txt",
        "official_language_id",
    ]
    labels = [
        "Processing Details",
        "Unique Identifier",
        "Unique Identifier Value",
        "Date of Birth (YYYY-MM-DD)",
        "Postal Code",
        "Official Language of Preference",
    ]
    return {
        "Client Profile": [
            ["Client Profile"],
            names,
            labels,
            ["", type_label, identifier, birth, "L2R 3K9", "French"],
            ["", other[0], other[1], other[2], "L2S 1A1", "English"],
        ]
    }


def profile_keys(path: Path) -> list[str]:
    return list(read_workbook(path)["Client Profile"]["client_key"])


def test_same_person_gets_the_same_key_at_two_agencies_and_another_partnership_cannot_link(tmp_path):
    first = write_icare(tmp_path / "first.xlsx", person_sheets("FOSS/GCMS Client ID", "0012-345 678", "1980-03-04"))
    second = write_icare(
        tmp_path / "second.xlsx",
        person_sheets(
            "ID client SSOBL/SMGC",
            12345678.0,
            dt.date(1980, 3, 4),
            other=("FOSS/GCMS Client ID", "5555 1234", "1985-06-07"),
        ),
    )
    ours, theirs = key_file(tmp_path), key_file(tmp_path, OTHER_KEY, "other.key")
    outputs = {}
    for name, source, key in (("a", first, ours), ("b", second, ours), ("c", second, theirs)):
        out = tmp_path / f"{name}.xlsx"
        code, output = run_anonymise(
            source, "--quarter", "2025Q3", "--agency", f"AG00{len(outputs) + 1}", "--key-file", key, "--out", out
        )
        assert code == 0, output
        outputs[name] = profile_keys(out)

    expected = client_key(KEY, "FOSS/GCMS Client ID", "12345678")
    assert outputs["a"][0] == outputs["b"][0] == expected
    assert outputs["a"][1] != outputs["b"][1]  # two different people
    assert set(outputs["c"]).isdisjoint(outputs["a"] + outputs["b"])
    assert outputs["c"][0] == client_key(OTHER_KEY, "FOSS/GCMS Client ID", "12345678")


def test_keygen_writes_a_private_key_and_never_overwrites_it(tmp_path):
    path = tmp_path / "partnership.key"
    runner = CliRunner()
    first = runner.invoke(keygen, ["--out", str(path)])
    assert first.exit_code == 0, first.output
    key = path.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", key)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    again = runner.invoke(keygen, ["--out", str(path)])
    assert again.exit_code == 1
    assert "already exists" in again.output and "never overwritten" in again.output
    assert path.read_text() == key
    other = tmp_path / "second.key"
    assert runner.invoke(keygen, ["--out", str(other)]).exit_code == 0
    assert other.read_text() != key


@pytest.mark.skipif(os.name != "posix", reason="file permissions are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_that_others_can_read_is_refused_with_one_sentence(tmp_path, mode):
    key = key_file(tmp_path)
    key.chmod(mode)
    out = tmp_path / "out.xlsx"
    code, output = run_anonymise(
        ICARE_WORKBOOK, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key, "--out", out
    )
    assert code == 1
    message = output.strip().removeprefix("Error: ")
    assert message.startswith(f"The key file {key} can be read by other users")
    assert f"chmod 600 {key}" in message
    assert message.endswith(".") and ". " not in message and "\n" not in message  # one sentence
    assert not out.exists() and list(tmp_path.iterdir()) == [key]


def test_dry_run_lists_what_happens_to_each_column_and_writes_nothing(tmp_path):
    before = sorted(tmp_path.iterdir())
    code, output = run_anonymise(
        ICARE_WORKBOOK, "--quarter", "2018Q2", "--agency", "AG001", "--dry-run", "--out", tmp_path / "out.xlsx"
    )
    assert code == 0, output
    assert sorted(tmp_path.iterdir()) == before
    profile = output.split("Needs Assessment&Referrals:")[0]
    assert profile.startswith("Client Profile: 7 rows read (7 from iCARE_template_with_examples.xlsx), 7 rows to")
    assert "client_validation_type_id + client_validation_id -> client_key (HMAC-SHA256" in profile
    assert "client_birth_dt -> client_birth_year (year only)" in profile
    assert "postal_txt -> postal_fsa" in profile
    assert "kept:        province_id, official_language_id, consent_ind" in profile
    dropped = profile.split("dropped, 10 direct identifiers: ")[1]
    for name in ("email_txt", "phone_no", "street_nme", "street_no", "processing_details"):
        assert name in dropped
    assert "left blank, not in the input: gender_id" in profile
    assert "Options Sheet: IRCC's helper sheet, ignored" in output
    assert "warning  course_code_mismatch   LT Client Enrol: 1" in output
    assert output.rstrip().endswith("Dry run: nothing was written; the extract would be written.")


def test_rows_that_cannot_be_keyed_or_that_leak_block_the_extract(tmp_path):
    rows = reference_rows()
    profile = rows["Client Profile"]
    profile[4][2] = "N/A"  # an identifier placeholder: no key can be made
    profile[5][1] = "Passport"  # not an iCARE identifier type
    setup = rows["LT Course Setup"]
    setup[3][2] = "course-by-hnestor@example.org"  # a course code that carries an e-mail address
    source = write_icare(tmp_path / "broken.xlsx", {n: rows[n] for n in ("Client Profile", "LT Course Setup")})
    out = tmp_path / "out.xlsx"
    code, output = run_anonymise(
        source, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )
    assert code == 1
    assert "3 error(s)" in output and "was not written" in output
    assert not out.exists()
    errors = {
        (p["Rule"], p["Sheet"], p["Row"], p["Column"], p["Value"]) for p in report_rows(out) if p["Severity"] == "error"
    }
    assert errors == {
        ("required_value", "Client Profile", "5", "client_validation_id", ""),
        ("code_not_in_list", "Client Profile", "6", "client_validation_type_id", "Passport"),
        ("identifier_value", "LT Course Setup", "4", "course_cd", "AAAAAA-AA-AAAAAAA@AAAAAAA.AAA"),
    }
    assert "Nothing written" in out.with_suffix(".report.html").read_text(encoding="utf-8")


def test_a_record_id_that_is_the_client_identifier_is_refused(tmp_path):
    sheets = person_sheets("FOSS/GCMS Client ID", "12345678", "1980-03-04")
    needs = [
        ["Needs"],
        ["record_id", "client_validation_type_id", "client_validation_id", "client_birth_dt", "assessment_start_dt"],
        ["", "", "", "", ""],
        ["12345678-1", "FOSS/GCMS Client ID", "12345678", "1980-03-04", "2025-07-02"],
        ["NAR-77", "FOSS/GCMS Client ID", "12345678", "1980-03-04", "2025-07-09"],
    ]
    source = write_icare(tmp_path / "in.xlsx", {**sheets, "Needs Assessment&Referrals": needs})
    out = tmp_path / "out.xlsx"
    code, _ = run_anonymise(
        source, "--quarter", "2025Q3", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )
    assert code == 1 and not out.exists()
    errors = [(p["Rule"], p["Row"], p["Column"]) for p in report_rows(out) if p["Severity"] == "error"]
    assert errors == [("identifier_value", "4", "record_id")]


def test_labels_instead_of_machine_names_give_the_same_extract_except_ambiguous_labels(tmp_path):
    rows = reference_rows()
    labelled = {}
    for name, sheet in rows.items():
        if name in ("Data Fields", "Options Sheet"):
            continue
        labelled[name] = [sheet[0], [""] * len(sheet[1]), *sheet[2:]]  # row 2 left empty
    key = key_file(tmp_path)
    by_name, by_label = tmp_path / "names.xlsx", tmp_path / "labels.xlsx"
    for source, out in ((ICARE_WORKBOOK, by_name), (write_icare(tmp_path / "in.xlsx", labelled), by_label)):
        code, output = run_anonymise(
            source, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key, "--out", out
        )
        assert code == 0, output
    names, labels = read_workbook(by_name), read_workbook(by_label)
    # iCARE labels some columns alike ("Transportation" is both "may be required" and "received" on
    # the needs assessment): those are never matched by label, so they stay blank.
    ambiguous = {
        "Needs Assessment&Referrals": [
            "childminding_ind",
            "transportation_ind",
            "support_disability_ind",
            "translation_ind",
            "interpretation_ind",
            "counselling_ind",
        ],
        "Info&Orien": ["transportation_ind", "topic_transportation_given_ind"],
    }
    for sheet, frame in names.items():
        blank = ambiguous.get(sheet, [])
        assert (labels[sheet][blank] == "").all().all(), sheet
        assert (frame[blank] != "").all().all(), sheet
        # A derived record id hashes the anonymised row, so it differs exactly where the row does.
        differs = [*blank, "record_id"] if blank else []
        assert frame.drop(columns=differs).equals(labels[sheet].drop(columns=differs)), sheet
    assert len(names["Client Profile"]) == 7


def test_monthly_files_are_rolled_up_into_the_quarter(tmp_path):
    rows = reference_rows()
    profile = rows["Client Profile"]
    july = {"Client Profile": profile[:7], "Info&Orien": rows["Info&Orien"]}
    # August repeats two clients' profiles (one with a consent that changed) and has a blank row
    # between data rows, an extra empty trailing column and a sheet of the agency's own notes.
    august_profile = [[*r, ""] for r in [*profile[:3], profile[4], [""] * len(profile[4]), profile[8], profile[3]]]
    august_profile[3][16] = "No"
    august = {"Client Profile": august_profile, "Info&Orien": rows["Info&Orien"], "Notes": [["to do"]]}
    files = [write_icare(tmp_path / "month1.xlsx", july), write_icare(tmp_path / "month2.xlsx", august)]
    out = tmp_path / "AG001_2018Q2.xlsx"
    code, output = run_anonymise(
        *files, "--quarter", "2018Q2", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )
    assert code == 0, output
    sheets = read_workbook(out)
    keys = [client_key(KEY, "FOSS/GCMS Client ID", str(i)) for i in (12345678, 12345677, 12345676, 12345675, 12345673)]
    assert list(sheets["Client Profile"]["client_key"]) == keys
    assert list(sheets["Client Profile"]["consent_ind"]) == ["Yes", "No", "Yes", "Yes", "Yes"]
    orientation = sheets["Info&Orien"]
    assert len(orientation) == 2  # the same service in both files: two rows, two record ids
    first, second = orientation["record_id"]
    assert re.fullmatch(r"AG001-IO-[0-9a-f]{12}", first) and second == f"{first}-2"
    problems = report_rows(out)
    assert ("sheet_unknown", "Notes [month2.xlsx]") in {(p["Rule"], p["Sheet"]) for p in problems}


def test_accueil_sheets_and_columns_are_read_too_and_unknown_columns_there_are_reported(tmp_path):
    sheets = person_sheets("FOSS/GCMS Client ID", "12345678", "1980-03-04")
    sheets["Client Profile"][1] += ["gender_id", "immigration_category_id", "arrival_dt"]
    sheets["Client Profile"][3] += ["Femme", "Réfugié pris en charge par le gouvernement", "2024-11-30"]
    assessment = [
        ["Évaluation linguistique"],
        [
            "client_validation_type_id",
            "client_validation_id",
            "client_birth_dt",
            "postal_cd",
            "assessment_dt",
            "Type d'évaluation",
            "listening_CLB_level_id",
            "speaking_CLB_level_id",
            "reading_CLB_level_id",
            "writing_CLB_level_id",
            "assesor_notes",
        ],
        [],
        [
            "FOSS/GCMS Client ID",
            "1234-5678",
            "1980-03-04",
            "L2R 3K9",
            dt.date(2025, 8, 1),
            "Initial placement",
            4.0,
            "5",
            "lit - 2l",
            "Pré-NCLC",
            "spoke slowly",
        ],
    ]
    source = write_icare(tmp_path / "in.xlsx", {**sheets, "Évaluation linguistique": assessment})
    out = tmp_path / "out.xlsx"
    code, output = run_anonymise(
        source, "--quarter", "2025Q3", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )
    assert code == 0, output
    extract = read_workbook(out)
    profile = extract["Client Profile"].iloc[0]
    assert (profile["gender_id"], profile["arrival_dt"]) == ("Woman", "2024-11-30")
    assert profile["immigration_category_id"] == "Government-assisted refugee"  # from the French label
    row = extract["Language Assessment"].iloc[0].to_dict()
    assert row["client_key"] == client_key(KEY, "FOSS/GCMS Client ID", "12345678")
    assert (row["postal_fsa"], row["assessment_dt"], row["assessment_type_id"]) == (
        "L2R",
        "2025-08-01",
        "Initial placement",
    )
    assert [row[f"{s}_CLB_level_id"] for s in ("listening", "speaking", "reading", "writing")] == [
        "4",
        "5",
        "Lit - 2L",
        "Pre-CLB",
    ]
    assert "spoke slowly" not in {str(v) for v in row.values()}
    problems = {(p["Rule"], p["Sheet"], p["Column"]) for p in report_rows(out)}
    assert ("column_unknown", "Language Assessment", "assesor_notes") in problems


def test_code_values_become_the_english_label_whatever_their_spelling(tmp_path):
    sheets = person_sheets("FOSS/GCMS Client ID", "12345678", "1980-03-04")
    columns = [
        "client_validation_type_id",
        "client_validation_id",
        "client_birth_dt",
        "assessment_start_dt",
        "assessment_language_id",
        "assessment_referral_id",
        "intended_work_noc_group_id",
        "knwl_life_needs_ind",
        "settlement_plan_ind",
        "financial_needs_ind",
    ]
    spellings = [
        # code, French label, IRCC's en dash, an Excel boolean, a French yes, odd case and spacing
        ["english", "Famille / amis", "O – Management occupations", True, "oui", "  NO "],
        ["Anglais", "family_friends", "o - management occupations", False, "Yes", "Maybe"],
    ]
    needs = [["Needs"], columns, []] + [
        ["FOSS/GCMS Client ID", "12345678", "1980-03-04", "2025-07-02", *values] for values in spellings
    ]
    source = write_icare(tmp_path / "in.xlsx", {**sheets, "Needs Assessment&Referrals": needs})
    out = tmp_path / "out.xlsx"
    code, output = run_anonymise(
        source, "--quarter", "2025Q3", "--agency", "AG001", "--key-file", key_file(tmp_path), "--out", out
    )
    assert code == 0, output
    frame = read_workbook(out)["Needs Assessment&Referrals"]
    assert frame[columns[4:]].values.tolist() == [
        ["English", "Family / friends", "O - Management occupations", "Yes", "Yes", "No"],
        ["English", "Family / friends", "O - Management occupations", "No", "Yes", ""],
    ]
    problems = [(p["Rule"], p["Row"], p["Column"], p["Value"]) for p in report_rows(out)]
    assert ("code_not_in_list", "5", "financial_needs_ind", "Maybe") in problems


def test_french_report(tmp_path):
    out = tmp_path / "out.xlsx"
    code, _ = run_anonymise(
        ICARE_WORKBOOK,
        "--quarter",
        "2018Q2",
        "--agency",
        "AG001",
        "--key-file",
        key_file(tmp_path),
        "--out",
        out,
        "--lang",
        "fr",
    )
    assert code == 0
    html = out.with_suffix(".report.html").read_text(encoding="utf-8")
    assert "Rapport d&#x27;anonymisation" in html and "Extrait anonymisé écrit" in html
    assert "ne correspond à aucun cours" in html


def test_icare_label_tables_match_the_reference_workbook():
    assert derive(ICARE_WORKBOOK) == (ICARE_LABELS, AMBIGUOUS)
