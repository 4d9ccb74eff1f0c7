"""Derive the iCARE code-list seed from IRCC's reference bulk-upload workbook.

The "Options Sheet" of the workbook lists every allowed value of every coded
field, one column per field, headed by the field's English label.  This script
copies the lists the extract contract uses into ``seeds/icare_code_values.csv``
with a stable code per value and the French label from
``scripts/icare_labels_fr.csv``.

Run it again whenever IRCC publishes a new workbook:

    python scripts/derive_codelists.py
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "tests" / "fixtures" / "icare" / "iCARE_template_with_examples.xlsx"
FRENCH = ROOT / "scripts" / "icare_labels_fr.csv"
OUT = ROOT / "seeds" / "icare_code_values.csv"

# Code-list name -> header of its column in the Options Sheet (first occurrence).
# Several fields share one list (every Yes/No flag, both CLB skills of a pair).
OPTIONS_COLUMNS = {
    "yes_no": "Y/N Questions",
    "identifier_type": "Unique Identifier",
    "language": "Language of Service",
    "official_language": "Official Language of Preference",
    "referred_by": "Referred By",
    "cc_activity": "Activity Under Which Client Received Services",
    "institution_type": "Type of Institution/Organization Where Client Received Services",
    "cc_event_type": "Type of Event Attended",
    "cc_service_type": "Type of Service",
    "cc_topic": "Main Topic/Focus of the Service Received",
    "service_received": "Service Received",
    "group_size": "Number of Unique Participants",
    "service_status": "Status of Service",
    "service_leave_reason": "Reason for Leaving Service",
    "minutes": "Total Length of Service: Minutes",
    "orientation_length": "Total Length of Orientation",
    "improve_skills_reason": "Improve Language Skills to",
    "employment_timeframe": "Find employment: TimeFrame",
    "work_experience": "Find employment: Minimum one year's work experience?",
    "noc_skill_level": (
        "Find employment: Intends to work in an occupation corresponding to which "
        "National Occupation Classification skill level?"
    ),
    "yes_no_unsure": "Client intends to become a Canadian citizen?",
    "province": "Province",
    "referral_to": "A referral to",
    "employment_status": "Employment Status",
    "education_status": "Education Status",
    "occupation": "Intended Occupation",
    "intervention_type": "Intervention Type",
    "lt_intervention": "Long Term Intervention: Intervention Received",
    "intervention_status": "Long Term Intervention: Status of Intervention",
    "intervention_leave_reason": "Long Term Intervention: Reason For Leaving Intervention",
    "st_intervention": "Short Term Intervention: Service Received",
    "training_format": "Format of Training Provided",
    "training_location": "Classes Held At",
    "course_enrolment": "New Students Can Enrol in the Course",
    "course_focus": "Dominant Focus of the Course",
    "training_status": "Client's Training Status",
    "course_exit_reason": "Reason for Exiting course",
    "clb_listening_speaking": "Listening CLB Level",
    "clb_reading_writing": "Reading CLB Level",
}

FIELDS = ["code_list", "code", "sort_order", "label_en", "label_fr"]


def slug(label: str) -> str:
    """A stable, ASCII, lower-case code for a label: 'Lit - 1L' -> 'lit_1l'."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return text or "blank"


def options_lists(workbook: Path) -> dict[str, list[str]]:
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Options Sheet").to_python()
    headers = [str(h).strip() for h in rows[1]]
    lists: dict[str, list[str]] = {}
    for name, header in OPTIONS_COLUMNS.items():
        try:
            col = headers.index(header)
        except ValueError:
            sys.exit(f"The Options Sheet has no column headed {header!r}: has IRCC renamed it?")
        values: list[str] = []
        for row in rows[2:]:
            value = str(row[col]).strip() if col < len(row) else ""
            # IRCC's list has stray spaces ("Insufficient Evidence ") and en dashes.
            value = re.sub(r"\s+", " ", value)
            if value and value not in values:
                values.append(value)
        lists[name] = values
    return lists


def french_labels(path: Path) -> dict[tuple[str, str], str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(r["code_list"], r["label_en"]): r["label_fr"] for r in csv.DictReader(handle)}


def main() -> None:
    lists = options_lists(WORKBOOK)
    french = french_labels(FRENCH)
    rows = []
    for name, values in lists.items():
        codes: set[str] = set()
        for order, label in enumerate(values, start=1):
            code = slug(label)
            while code in codes:  # never happens in today's lists; keeps codes unique if it does
                code += "_"
            codes.add(code)
            label_fr = french.get((name, label)) or french.get(("*", label)) or label
            rows.append({"code_list": name, "code": code, "sort_order": order, "label_en": label, "label_fr": label_fr})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} values in {len(lists)} code lists to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
