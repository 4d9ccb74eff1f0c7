"""The quarterly report as a document: its sections, read for one viewer, written as HTML and as PDF.

Every figure comes through accueil.access with the viewer's rights: the funders' page's query of
outcomes against outputs, the council page's query of indicators against their baselines, the
submissions page's status, the agencies' notes.  So the report shows what the pages show, a
suppressed count as `x` (never zero), and a funder bound to its grants gets those agencies and
the region totals only.  Cells are formatted once, here, and both formats write the same cells.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from accueil import i18n, outcomes
from accueil.access import quarterly, submissions
from accueil.access.disclosure import suppression_threshold
from accueil.access.policy import REGION, Viewer
from accueil.access.reader import Reader
from accueil.access.snapshot import snapshot_info
from accueil.i18n import MISSING, SUPPRESSED

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core, when present


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    keys: list[str] = field(default_factory=list)  # what each row is (an agency code, an indicator), for tests


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    key: str = ""


@dataclass
class Report:
    quarter: str
    lang: str
    title: str
    intro: str
    state: str
    legend: str
    sections: list[Section]


def _cell(value, kind: str, lang: str, hidden: bool = False) -> str:
    if hidden:
        return SUPPRESSED
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if kind == "int":
        return i18n.number(value, lang)
    if kind == "money":
        return i18n.money(value, lang)
    if kind == "percent":
        return i18n.percent(value, lang)
    return str(value)


def _flag(value) -> bool:
    """A suppression flag; a missing one (no rate was computed) hides nothing, as on the pages."""
    return False if value is None or pd.isna(value) else bool(value)


def state_line(state: quarterly.ReviewState, lang: str) -> str:
    t = lambda key, **p: i18n.t(key, lang, **p)  # noqa: E731
    if state.status == "none":
        return t("quarterly.state.none")
    if state.status == "draft":
        return t("quarterly.state.draft", at=i18n.timestamp(state.drafted_at, lang), by=state.drafted_by)
    key = "quarterly.state.approved" if state.approved else "quarterly.state.stale"
    return t(key, at=i18n.timestamp(state.approved_at, lang), by=state.approved_by)


def _outcomes_table(rows: pd.DataFrame, names: dict[str, str], lang: str) -> Table:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    headline = outcomes.headline()
    headers = [
        t("common.agency"),
        t("funders.clients_served"),
        t("funders.services"),
        t("funders.hours"),
        t("funders.funding"),
        t("funders.cost_per_client"),
        *(t(f"outcome.{o}") for o in headline),
    ]
    cells, keys = [], []
    for r in rows.itertuples(index=False):
        row = r._asdict()
        hidden = _flag(row["suppressed"])
        code = row["agency_code"]
        cells.append(
            [
                names.get(code, code) if code == REGION else f"{code} — {names.get(code, code)}",
                _cell(row["clients_served"], "int", lang, hidden),
                _cell(row["services"], "int", lang, hidden),
                _cell(row["total_hours"], "int", lang, hidden),
                _cell(row["funding_cad"], "money", lang),
                _cell(row["cost_per_client_served"], "money", lang, hidden),
                *(_cell(row[f"{o}_rate"], "percent", lang, _flag(row[f"{o}_suppressed"])) for o in headline),
            ]
        )
        keys.append(code)
    return Table(headers, cells, keys)


def _indicator_value(row: dict, column: str, lang: str) -> str:
    value = row[column]
    if value is None or pd.isna(value):
        return MISSING
    if row["unit"] == "percent":
        return i18n.percent(float(value) / 100.0, lang)
    return i18n.number(float(value), lang, 0 if row["unit"] in ("count", "days") else 1)


def _indicators_table(progress: pd.DataFrame, lang: str) -> Table:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    latest = progress.loc[progress["is_latest"].fillna(False).astype(bool)]
    headers = [
        t("quarterly.indicator"),
        t("quarterly.geography"),
        t("quarterly.period"),
        t("quarterly.value"),
        t("quarterly.baseline"),
        t("quarterly.status"),
    ]
    cells, keys = [], []
    for r in latest.itertuples(index=False):
        row = r._asdict()
        cells.append(
            [
                row[f"name_{lang}"],
                row[f"geography_name_{lang}"],
                str(row["period"]),
                SUPPRESSED if _flag(row["suppressed"]) else _indicator_value(row, "value", lang),
                _indicator_value(row, "baseline_value", lang),
                i18n.t(f"status.{row['status']}", lang),
            ]
        )
        keys.append(f"{row['indicator_code']}|{row['geography_code']}")
    return Table(headers, cells, keys)


def _submissions_table(rows: pd.DataFrame, lang: str) -> Table:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    headers = [t("submissions.agency"), t("submissions.status"), t("submissions.late"), t("submissions.due_date")]
    cells = [
        [
            f"{r.agency_code} — {r.agency_name}" if r.agency_name else r.agency_code,
            t(f"submissions.state.{r.status}"),
            t("submissions.yes" if r.late else "submissions.no"),
            i18n.day(r.due_date, lang),
        ]
        for r in rows.itertuples()
    ]
    return Table(headers, cells, list(rows["agency_code"]))


def build(viewer: Viewer, quarter: str, lang: str, reader: Reader | None = None) -> Report:
    """The report of `quarter` in `lang`, as `viewer` may read it."""
    reader = reader or Reader()
    t = lambda key, **p: i18n.t(key, lang, **p)  # noqa: E731
    info = snapshot_info()
    agencies = reader.fetch(viewer, "catalog.agencies")
    names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
    names[REGION] = t("common.all_agencies")

    sections = []
    # Who sent the quarter: the council and admins see every agency, an agency its own.
    heading = t("quarterly.submissions")
    if viewer.may_see_submissions(None):
        sections.append(
            Section(
                heading,
                table=_submissions_table(submissions.submission_status(viewer, quarter), lang),
                key="submissions",
            )
        )
    elif viewer.role == "agency":
        own = submissions.submission_status(viewer, quarter, agency=viewer.agency)
        sections.append(Section(heading, table=_submissions_table(own, lang), key="submissions"))
    else:
        sections.append(Section(heading, [t("quarterly.submissions_hidden")], key="submissions"))

    rows = reader.fetch(viewer, "outputs_outcomes.agencies", period=quarter)
    sections.append(Section(t("quarterly.outcomes"), table=_outcomes_table(rows, names, lang), key="outcomes"))
    progress = reader.fetch(viewer, "indicators.progress")
    sections.append(Section(t("quarterly.indicators"), table=_indicators_table(progress, lang), key="indicators"))

    # Each agency's own section: its note, for the agencies in the viewer's scope.
    written = quarterly.notes(quarter)
    shown = [code for code in agencies["agency_code"] if viewer.may_see_agency(code)]
    for code in shown:
        paragraphs = [t("quarterly.no_note")]
        if code in written:
            note, by, at = written[code]
            paragraphs = [t("quarterly.note_by", by=by, at=i18n.timestamp(at, lang)), note]
        sections.append(Section(f"{code} — {names.get(code, code)}", paragraphs, key=f"agency:{code}"))

    return Report(
        quarter=quarter,
        lang=lang,
        title=t("quarterly.title", quarter=i18n.quarter(quarter, lang)),
        intro=t(
            "quarterly.intro",
            published=i18n.timestamp(info.published_at, lang) if info.published_at else MISSING,
            mark=SUPPRESSED,
        ),
        state=state_line(quarterly.review_state(quarter), lang),
        legend=t("quarterly.suppressed", mark=SUPPRESSED, threshold=suppression_threshold()),
        sections=sections,
    )


# --- HTML -------------------------------------------------------------------------------------------

_STYLE = """
body { font-family: sans-serif; max-width: 70rem; margin: 2rem auto; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; }
td.n { text-align: right; }
.state { font-weight: bold; }
.note { white-space: pre-wrap; border-left: 3px solid #888; padding-left: 0.75rem; }
"""


_NUMBER = ' class="n"'


def to_html(report: Report) -> str:
    """The report as one HTML page; every text is escaped (agency names and notes come from others)."""
    e = html.escape
    parts = [
        f'<!doctype html>\n<html lang="{report.lang}"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f'<p class="state" id="state">{e(report.state)}</p>',
        f"<p>{e(report.intro)}</p>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{e(section.key)}"><h2>{e(section.heading)}</h2>')
        for i, text in enumerate(section.paragraphs):
            css = ' class="note"' if section.key.startswith("agency:") and i == 1 else ""
            parts.append(f"<p{css}>{e(text)}</p>")
        if section.table is not None:
            table = section.table
            parts.append(
                "<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in table.headers) + "</tr></thead><tbody>"
            )
            for key, row in zip(table.keys or [""] * len(table.rows), table.rows, strict=True):
                cells = "".join(f"<td{'' if j == 0 else _NUMBER}>{e(c)}</td>" for j, c in enumerate(row))
                parts.append(f'<tr data-key="{e(key)}">{cells}</tr>')
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append(f"<p><small>{e(report.legend)}</small></p></body></html>\n")
    return "\n".join(parts)


# --- PDF --------------------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    """The report as a PDF (fpdf2), landscape, with the same cells as the HTML."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    if FONT.is_file():
        pdf.add_font("body", "", str(FONT))
        bold = FONT.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("body", "B", str(bold if bold.is_file() else FONT))
        family, text = "body", str
    else:
        # The core fonts hold Latin-1 only, which has French's letters; anything else becomes "?".
        family = "helvetica"

        def text(value: str) -> str:
            return value.replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")

    pdf.set_title(text(report.title))
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(width, 8, text(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 10)
    pdf.multi_cell(width, 5, text(report.state), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.multi_cell(width, 5, text(report.intro), new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        pdf.ln(3)
        pdf.set_font(family, "B", 12)
        pdf.multi_cell(width, 6, text(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(width, 5, text(paragraph), new_x="LMARGIN", new_y="NEXT")
        if section.table is not None and section.table.rows:
            pdf.set_font(family, "", 7)
            with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=4, text_align="LEFT") as table:
                table.row([text(h) for h in section.table.headers])
                for cells in section.table.rows:
                    table.row([text(c) for c in cells])
    pdf.ln(3)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(width, 4, text(report.legend), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
