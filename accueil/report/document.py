"""A validation report: a summary first, then each problem, as HTML (for people) and CSV (for spreadsheets)."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from accueil import csv_safe
from accueil.report.problems import Problem, shown

MAX_ROWS_PER_RULE = 200  # beyond this a rule's problems are counted, not all listed
HEADLINE_RULES = ("quarter_mismatch",)  # said in one sentence at the top, before the summary and every row

HEADINGS = {
    "en": {
        "title": "Validation report",
        "accepted": "Accepted",
        "rejected": "Rejected",
        "file": "File",
        "agency": "Agency",
        "quarter": "Quarter",
        "sha256": "SHA-256",
        "errors": "Errors",
        "warnings": "Warnings",
        "summary": "Summary",
        "details": "Details",
        "sheet": "Sheet",
        "row": "Row",
        "column": "Column",
        "value": "Value",
        "rule": "Rule",
        "problem": "Problem",
        "fix": "How to fix it",
        "severity": "Severity",
        "error": "error",
        "warning": "warning",
        "rows": "Rows read",
        "more": "{count} more rows break this rule and are not listed.",
        "accepted_text": "The file was accepted and will be loaded into the warehouse.",
        "rejected_text": "The file was rejected: nothing from it was loaded. Fix the errors below and upload "
        "the corrected file.",
    },
    "fr": {
        "title": "Rapport de validation",
        "accepted": "Accepté",
        "rejected": "Rejeté",
        "file": "Fichier",
        "agency": "Organisme",
        "quarter": "Trimestre",
        "sha256": "SHA-256",
        "errors": "Erreurs",
        "warnings": "Avertissements",
        "summary": "Sommaire",
        "details": "Détails",
        "sheet": "Feuille",
        "row": "Ligne",
        "column": "Colonne",
        "value": "Valeur",
        "rule": "Règle",
        "problem": "Problème",
        "fix": "Comment corriger",
        "severity": "Gravité",
        "error": "erreur",
        "warning": "avertissement",
        "rows": "Lignes lues",
        "more": "{count} autres lignes enfreignent cette règle et ne sont pas énumérées.",
        "accepted_text": "Le fichier a été accepté et sera versé dans l'entrepôt.",
        "rejected_text": "Le fichier a été rejeté : rien n'en a été versé. Corrigez les erreurs ci-dessous et "
        "téléversez le fichier corrigé.",
    },
}


def _column(p: Problem, lang: str) -> str:
    """The column by its workbook label, its machine name beside it for whoever reads the file in iCARE's export."""
    if not p.column:
        return ""
    label = p.column_label(lang)
    return label if label == p.column else f"{label} ({p.column})"


@dataclass
class Report:
    file_name: str
    agency: str = ""
    quarter: str = ""
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def accepted(self) -> bool:
        return not self.errors

    def summary(self) -> Counter:
        return Counter((p.severity, p.sheet or "", p.rule) for p in self.problems)

    def headline(self, lang: str) -> str | None:
        """The sentence said before any row error: the file was uploaded as another quarter than its
        dates are in (accueil.ingest.covered), or None."""
        found = next((p for p in self.problems if p.rule in HEADLINE_RULES), None)
        return None if found is None else found.text(lang)[0]

    def listed(self) -> list[Problem]:
        """Problems in report order, at most MAX_ROWS_PER_RULE per sheet and rule."""
        seen: Counter = Counter()
        out = []
        for p in sorted(self.problems, key=_order):
            seen[(p.sheet, p.rule)] += 1
            if seen[(p.sheet, p.rule)] <= MAX_ROWS_PER_RULE:
                out.append(p)
        return out

    def write_csv(self, path: Path, lang: str) -> None:
        h = HEADINGS[lang]
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            # A rejected value is quoted as the agency typed it, formulas included.
            writer = csv_safe.writer(handle)
            writer.writerow(
                [h["severity"], h["sheet"], h["row"], h["column"], h["value"], h["rule"], h["problem"], h["fix"]]
            )
            for p in self.listed():
                what, fix = p.text(lang)
                writer.writerow(
                    # The machine name here, beside the rule's: the CSV is read by tools as well as people.
                    [h[p.severity], p.sheet or "", p.row or "", p.column or "", p.value or "", p.rule, what, fix]
                )

    def write_html(self, path: Path, lang: str) -> None:
        path.write_text(self.html(lang), encoding="utf-8")

    def html(self, lang: str) -> str:
        h = HEADINGS[lang]
        e = html.escape
        status = h["accepted"] if self.accepted else h["rejected"]
        colour = "#1b7f3b" if self.accepted else "#b00020"
        out = [
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(h["title"])}: '
            f"{e(self.file_name)}</title><style>body{{font-family:sans-serif;margin:2em;max-width:75em}}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
            "vertical-align:top}th{background:#f3f3f3}.status{font-size:1.4em;font-weight:bold}</style></head>"
            f"<body><h1>{e(h['title'])}</h1>",
            f'<p class="status" style="color:{colour}">{e(status)}</p>',
            *([f'<p class="headline"><strong>{e(self.headline(lang))}</strong></p>'] if self.headline(lang) else []),
            f"<p>{e(h['accepted_text'] if self.accepted else h['rejected_text'])}</p>",
            "<table>",
        ]
        for key, value in (
            ("file", self.file_name),
            ("agency", self.agency),
            ("quarter", self.quarter),
            ("sha256", self.sha256),
            ("errors", len(self.errors)),
            ("warnings", len(self.warnings)),
        ):
            out.append(f"<tr><th>{e(h[key])}</th><td>{e(str(value))}</td></tr>")
        out.append(
            f"</table><h2>{e(h['summary'])}</h2><table><tr><th>{e(h['severity'])}</th><th>{e(h['sheet'])}"
            f"</th><th>{e(h['problem'])}</th><th>#</th></tr>"
        )
        for (severity, sheet, rule), count in sorted(
            self.summary().items(), key=lambda kv: (kv[0][0] != "error", kv[0][1], kv[0][2])
        ):
            example = next(p for p in self.problems if (p.severity, p.sheet or "", p.rule) == (severity, sheet, rule))
            out.append(
                f"<tr><td>{e(h[severity])}</td><td>{e(sheet)}</td><td>{e(example.text(lang)[0])}</td>"
                f"<td>{count}</td></tr>"
            )
        out.append(
            f"</table><h2>{e(h['details'])}</h2><table><tr>"
            + "".join(f"<th>{e(h[k])}</th>" for k in ("severity", "sheet", "row", "column", "value", "problem", "fix"))
            + "</tr>"
        )
        for p in self.listed():
            what, fix = p.text(lang)
            cells = (h[p.severity], p.sheet or "", p.row or "", _column(p, lang), shown(p.value), what, fix)
            out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells) + "</tr>")
        out.append("</table>")
        hidden = len(self.problems) - len(self.listed())
        if hidden:
            out.append(f"<p>{e(h['more'].format(count=hidden))}</p>")
        if self.rows_read:
            out.append(f"<h2>{e(h['rows'])}</h2><table>")
            out += [f"<tr><th>{e(s)}</th><td>{n}</td></tr>" for s, n in self.rows_read.items()]
            out.append("</table>")
        out.append("</body></html>\n")
        return "".join(out)


# File-level and structural problems first: they explain the others.
_FIRST = (
    "quarter_mismatch",  # one sentence that explains every "date outside the quarter" below it
    "check_interrupted",
    "quarter_out_of_range",
    "over_limit",
    "read_stopped",
    "file_empty",
    "file_unreadable",
    "sheet_extra",
    "sheet_missing",
    "column_missing",
    "column_duplicate",
    "identifier_column",
    "identifier_value",
)


def _order(p: Problem):
    rank = _FIRST.index(p.rule) if p.rule in _FIRST else len(_FIRST)
    return (p.severity != "error", rank, p.sheet or "", p.rule, p.row or 0, p.column or "")
