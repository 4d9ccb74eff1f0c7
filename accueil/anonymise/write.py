"""Write what a run produced: the extract (atomically), its report, or the dry-run listing."""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Callable
from pathlib import Path

from accueil.contract import extract_contract
from accueil.report import HEADINGS, Report
from accueil.workbook import write_csv_zip, write_workbook

WHAT = {
    "key": "HMAC-SHA256 with the partnership key",
    "year": "year only",
    "fsa": "first three characters, the FSA",
}

# The shared report says "Validation report ... accepted and will be loaded"; here nothing is loaded.
WORDING = {
    "en": {
        "title": "Anonymisation report",
        "accepted": "Anonymised extract written",
        "rejected": "Nothing written",
        "accepted_text": "The anonymised extract was written. Warnings do not stop it, but the warehouse may "
        "reject the rows they concern: read them before you upload the extract.",
        "rejected_text": "Nothing was written because of the errors below. Correct them in your client-management "
        "system or in the workbook, then run accueil anonymise again.",
    },
    "fr": {
        "title": "Rapport d'anonymisation",
        "accepted": "Extrait anonymisé écrit",
        "rejected": "Rien n'a été écrit",
        "accepted_text": "L'extrait anonymisé a été écrit. Les avertissements ne l'empêchent pas, mais l'entrepôt "
        "peut rejeter les lignes qu'ils visent : lisez-les avant de téléverser l'extrait.",
        "rejected_text": "Rien n'a été écrit à cause des erreurs ci-dessous. Corrigez-les dans votre système de "
        "gestion des clients ou dans le classeur, puis relancez accueil anonymise.",
    },
}


class AnonymiseReport(Report):
    """The ingestion report, headed for the anonymiser (``sha256`` is the written extract's)."""

    def html(self, lang: str) -> str:
        text = super().html(lang)
        head, sep, rest = text.partition("<table>")
        for key, new in sorted(WORDING[lang].items(), key=lambda kv: -len(HEADINGS[lang][kv[0]])):
            head = head.replace(html.escape(HEADINGS[lang][key]), html.escape(new))
        return head + sep + rest


def report_paths(out: Path) -> tuple[Path, Path]:
    """OUT.xlsx -> OUT.report.html and OUT.report.csv, beside it."""
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return out.with_name(f"{stem}.report.html"), out.with_name(f"{stem}.report.csv")


def title(agency: str, quarter: str) -> str:
    return f"Accueil extract {agency} {quarter}"


def write_extract(
    out: Path, rows: dict[str, list[tuple]], agency: str, quarter: str, before: Callable[[str], None] | None = None
) -> str:
    """Write the extract beside ``out``, call ``before(sha256)`` (to write the report first), then move it in place.

    Returns the SHA-256 of the extract.  Nothing is left behind if anything fails.
    """
    temporary = out.with_name(f".{out.name}.partial")
    try:
        if out.suffix.lower() == ".zip":
            write_csv_zip(temporary, extract_contract(), rows)
        else:
            write_workbook(temporary, extract_contract(), rows, title(agency, quarter))
        digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
        if before is not None:
            before(digest)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return digest


def write_report(report: Report, out: Path, lang: str) -> tuple[Path, Path]:
    html_path, csv_path = report_paths(out)
    report.write_html(html_path, lang)
    report.write_csv(csv_path, lang)
    return html_path, csv_path


def describe(outcome) -> list[str]:
    """The dry-run listing: per sheet, rows and what happens to each column."""
    contract = extract_contract()
    lines: list[str] = []
    for sheet in contract.sheets:
        summary = outcome.sheets[sheet.name]
        if not summary.rows_read:
            lines.append(f"{sheet.name}: not in the input (written with its headers only)")
            continue
        files = ", ".join(f"{n} from {f}" for f, n in summary.rows_read.items())
        read = sum(summary.rows_read.values())
        lines.append(f"{sheet.name}: {_rows(read)} read ({files}), {_rows(summary.rows_out)} to write")
        steps = [summary.steps[c] for c in sheet.column_names if c in summary.steps]
        for step in steps:
            if step.kind in WHAT:
                lines.append(f"  transformed: {' + '.join(step.sources)} -> {step.column} ({WHAT[step.kind]})")
        for step in steps:
            if step.kind == "derive":
                lines.append(f"  derived:     {step.column} (agency, sheet and a hash of the anonymised row)")
        lines.append(_wrap("  kept:        ", [s.column for s in steps if s.kind == "carry"] or ["(none)"]))
        identifiers = sorted(n for n in summary.dropped if n in contract.direct_identifiers)
        others = sorted(n for n in summary.dropped if n not in contract.direct_identifiers)
        if identifiers:
            lines.append(_wrap(f"  dropped, {len(identifiers)} direct identifiers: ", identifiers))
        if others:
            lines.append(_wrap(f"  dropped, {len(others)} columns not in the extract: ", others))
        blank = [s.column for s in steps if s.kind == "blank"]
        if blank:
            lines.append(_wrap("  left blank, not in the input: ", blank))
    for name in outcome.ignored:
        lines.append(f"{name}: IRCC's helper sheet, ignored")
    for name in outcome.unknown:
        lines.append(f"{name}: not part of the extract, not read")
    return lines


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _wrap(prefix: str, names: list[str], width: int = 110) -> str:
    lines, line = [], prefix
    for i, name in enumerate(names):
        piece = name + (", " if i < len(names) - 1 else "")
        if len(line) + len(piece) > width and line.strip():
            lines.append(line.rstrip())
            line = " " * len(prefix)
        line += piece
    lines.append(line)
    return "\n".join(lines)
