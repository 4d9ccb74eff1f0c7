"""What every page shares: the language, the viewer, labelled tables with their CSV, charts with intervals.

Pages ask accueil.access for data and this module for presentation; neither opens a
connection of its own.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass

import pandas as pd
import streamlit as st

# Who reads and what a run reads (reads.py): the pages import them from here with the rest.
from reads import READER, VIEWER, fetch, has_table, new_run, once_per_run, viewer  # noqa: F401

from accueil import access, csv_safe, i18n
from accueil.i18n import SUPPRESSED


def lang() -> str:
    value = st.session_state.get("lang", "en")
    return value if value in i18n.LANGUAGES else "en"


def tr(key: str, **params) -> str:
    return i18n.t(key, lang(), **params)


# Every ASCII punctuation character, each of which CommonMark lets a backslash escape: the
# Markdown syntax (`![x](url)`, `[x](javascript:...)`, `*`, `#`, `|`, ...), raw HTML's `<` and `>`,
# entities (`&`), and what Streamlit adds (`$` for LaTeX, `:` for `:red[...]`, `:material/...:` and
# emoji shortcodes, `[` `]`).  An escaped character is shown as itself.
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in string.punctuation})
# Control characters (a line break would start a new block: a heading, a list, a code block).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# GitHub-flavoured Markdown turns a bare `http://...`, `www.x` or `name@host` into a link after the
# escapes are read, so a word joiner (U+2060, shown as nothing) goes between `:` and `//`, after
# `@`, and between `www` and `.`: the text reads the same and is no link.
_AUTOLINK = re.compile(r"\\:(?=\\/\\/)|\\@|(?i:www)(?=\\\.)")
WORD_JOINER = "\u2060"


def md(text) -> str:
    """Text that came from someone else (an agency's, program's or site's name, a file name, a user
    name, an error that quotes them), escaped so that a Markdown element, a widget label or a metric
    label shows it as it is, on one line: `![x](http://...)`, `<img src=...>`, `[x](javascript:...)`
    or `$...$` in an agency's name is shown as those characters, never rendered, fetched or linked.

    Selectbox options and dataframe cells are plain text in Streamlit: give them the text itself."""
    flat = _CONTROL.sub(" ", str(text))
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, flat.translate(_MARKDOWN))


def select(container, label: str, options: list, key: str, format_func=str, index: int = 0):
    """A selectbox whose choice survives a change of language.

    Its options are shown through a language-dependent format_func, and Streamlit keeps a
    selectbox's value as the shown text: so the widget is keyed per language and the choice
    itself is kept under `key`, language-neutral, and restored into the other language's widget.
    """
    options = list(options)
    current = st.session_state.get(key)
    if current in options:
        index = options.index(current)
    # Labels are worked out now, in this run's language: Streamlit may call format_func later,
    # outside the run, where the session (and so the language) is not at hand.
    labels = {option: format_func(option) for option in options}
    widget = f"{key}__{lang()}"
    if widget in st.session_state and st.session_state[widget] in options:
        # A callback set this widget's value (the agency page's proposed quarter): giving an index
        # too would make Streamlit warn that the widget had a default and a value set at once.
        value = container.selectbox(label, options, format_func=labels.__getitem__, key=widget)
    else:
        value = container.selectbox(label, options, index=index, format_func=labels.__getitem__, key=widget)
    st.session_state[key] = value
    return value


def code_catalogue() -> dict[tuple[str, str], tuple[str, str]]:
    def make():
        codes = fetch("catalog.codes")
        return {(r.code_list, r.code): (r.label_en, r.label_fr) for r in codes.itertuples()}

    return once_per_run(("code_catalogue",), make)


def code(list_name: str, value: str) -> str:
    return i18n.code_label(list_name, value, lang(), code_catalogue())


def outcome_name(outcome: str) -> str:
    return tr(f"outcome.{outcome}")


def quarter(value: str) -> str:
    return i18n.quarter(value, lang())


def period_label(value) -> str:
    """A period in the page's language: a quarter as 2025 Q3 / 2025 T3, a year as itself."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return quarter(text) if re.fullmatch(r"\d{4}Q[1-4]", text) else text


def agency_names() -> dict[str, str]:
    def make():
        agencies = fetch("catalog.agencies")
        names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
        names["ALL"] = tr("common.all_agencies")
        return names

    return once_per_run(("agency_names", lang()), make)  # shared within the run: not to be changed


def agency_label(code_: str) -> str:
    names = agency_names()
    return names["ALL"] if code_ == "ALL" else f"{code_} — {names.get(code_, code_)}"


def periods() -> list[str]:
    return list(fetch("catalog.periods")["period"])


@dataclass(frozen=True)
class Col:
    """One column of a shown table: where its value comes from, its header (a label key) and its kind.

    kind: text, int, number1, percent, money, days, date, timestamp, period (a quarter in the page's
    language); interval and interval_days take
    (low, high) as source and show a percentage or a number of days; status takes an indicator's
    status code and shows it as a coloured, translated label (an HTML table, see show_table);
    rate_n and rate_n_days take (rate, low, high, denominator) and show the rate with its
    denominator, and its interval under it, in one cell, so that no rate is read without them.
    hidden: the name of a boolean column that marks this cell as suppressed (default: the row's `suppressed`).
    """

    source: str | tuple[str, str]
    header: str
    kind: str = "text"
    hidden: str | None = "suppressed"
    translated: bool = False  # header is already text, not a label key


# docs/measures.md, "Who each rate covers": under this coverage a rate covers few of its clients.
FEW_COVERED = 0.5
COVERAGE = "coverage"  # the mark of a table that shows coverage: its legend says what it means
STATUS = "status"  # a column kind: an indicator's status, shown as a coloured label


def coverage_cols() -> list[Col]:
    """Eligible and coverage beside a rate, hidden where the mart withholds them (coverage_suppressed)."""
    return [
        Col("eligible", "common.eligible", "int", hidden="coverage_suppressed"),
        Col("coverage", "common.coverage", COVERAGE, hidden="coverage_suppressed"),
    ]


def _format(value, kind: str, lg: str) -> str:
    if kind == "period":  # 2025Q3 as the page names quarters (2025 T3); a year as itself
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
        return i18n.quarter(text, lg) if re.fullmatch(r"\d{4}Q[1-4]", text) else text
    if kind == STATUS:
        return i18n.t(f"status.{value}", lg)
    if kind == COVERAGE:
        few = value is not None and value == value and value < FEW_COVERED
        return i18n.percent(value, lg) + (f" — {i18n.t('common.few_covered', lg)}" if few else "")
    if kind == "int":
        return i18n.number(value, lg)
    if kind == "number1":
        return i18n.number(value, lg, 1)
    if kind == "percent":
        return i18n.percent(value, lg)
    if kind == "percent_of_100":  # already a percentage (progress toward a target: 0 to 100)
        return i18n.percent(None if value is None else value / 100, lg)
    if kind == "money":
        return i18n.money(value, lg)
    if kind == "days":
        return i18n.number(value, lg)
    if kind == "date":
        return i18n.day(value, lg)
    if kind == "timestamp":
        return i18n.timestamp(value, lg)
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _is_hidden(row: dict, col: Col) -> bool:
    if col.kind == "text" or not col.hidden or col.hidden not in row:
        return False
    flag = row[col.hidden]
    return bool(flag) if not pd.isna(flag) else False


def render_table(frame: pd.DataFrame, cols: list[Col], lg: str) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """The table as people read it (locale formats, `x` for suppressed) and as a CSV, plus the marks used.

    The CSV keeps machine numbers (a dot for decimals, no grouping) so spreadsheets read them
    as numbers in either language; its headers are in the chosen language, and a suppressed
    cell is empty there, never a zero.
    """
    headers = [c.header if c.translated else i18n.t(c.header, lg) for c in cols]
    shown = pd.DataFrame(index=frame.index)
    csv = pd.DataFrame(index=frame.index)
    marks: set[str] = set()
    # Rows as dicts, made once: iterrows() builds a Series per row and per column, and was most of
    # the time of a page with a long table.
    rows = frame.to_dict("records")
    for col, header in zip(cols, headers, strict=True):
        cells, raw_low, raw_high, raw = [], [], [], []
        for row in rows:
            hidden = _is_hidden(row, col)
            if col.kind in ("rate_n", "rate_n_days"):
                rate, low, high, n = (row[c] for c in col.source)
                kind = "percent" if col.kind == "rate_n" else "number"
                value = i18n.percent(rate, lg) if kind == "percent" else i18n.number(rate, lg)
                text = (
                    SUPPRESSED
                    if hidden
                    else f"{value} (n = {i18n.number(n, lg)})\n{i18n.interval(low, high, lg, kind)}"
                    if not pd.isna(rate)
                    else i18n.MISSING
                )
                raw.append([None] * 4 if hidden else [rate, low, high, n])
            elif col.kind in ("interval", "interval_days"):
                low, high = (row[col.source[0]], row[col.source[1]])
                kind = "percent" if col.kind == "interval" else "number"
                text = SUPPRESSED if hidden else i18n.interval(low, high, lg, kind)
                raw_low.append(None if hidden else low)
                raw_high.append(None if hidden else high)
            else:
                value = row[col.source]
                text = SUPPRESSED if hidden else _format(value, col.kind, lg)
                raw.append(None if hidden else value)
            if text in (SUPPRESSED, i18n.MISSING, i18n.NOT_SET) and col.kind != "text":
                marks.add(text)
            if col.kind == COVERAGE:
                marks.add(COVERAGE)
            cells.append(text)
        shown[header] = cells
        if col.kind in ("rate_n", "rate_n_days"):
            parts = list(zip(*raw, strict=True)) if raw else [[], [], [], []]
            low_high = ("bas", "haut") if lg == "fr" else ("low", "high")
            csv[header] = list(parts[0])
            csv[f"{header} ({low_high[0]})"] = list(parts[1])
            csv[f"{header} ({low_high[1]})"] = list(parts[2])
            csv[f"{header} ({i18n.t('common.denominator', lg)})"] = list(parts[3])
        elif col.kind in ("interval", "interval_days"):
            csv[f"{header} ({'bas' if lg == 'fr' else 'low'})"] = raw_low
            csv[f"{header} ({'haut' if lg == 'fr' else 'high'})"] = raw_high
        else:
            csv[header] = raw
    if "suppressed" in frame.columns:
        csv[i18n.t("common.suppressed", lg)] = frame["suppressed"].fillna(False).astype(bool).to_numpy()
    return shown.reset_index(drop=True), csv.reset_index(drop=True), marks


def show_table(
    frame: pd.DataFrame,
    cols: list[Col],
    key: str,
    caption: str | None = None,
    as_html: bool = False,
    marks: set[str] | None = None,
) -> pd.DataFrame:
    """Show a table with its CSV download and, when it uses them, the legend of its marks.

    as_html: a plain HTML table that wraps its text to the page's width, for the tables people
    must read whole at a glance (a scorecard): Streamlit's grid is drawn on a canvas and scrolls
    sideways when its columns do not fit, which cut the status off at 1280 pixels.
    marks: marks the caller's own text columns use (render_table only sees its formatted kinds).
    The caption is plain text (it may name an agency): it is escaped here, whole."""
    lg = lang()
    shown, csv, used = render_table(frame, cols, lg)
    if caption:
        st.markdown(f"**{md(caption)}**")
    if frame.empty:
        st.info(tr("common.no_rows"))
    elif as_html:
        st.html(html_table(shown, frame, cols, key))
    else:
        st.dataframe(shown, hide_index=True, width="stretch")
    download(csv, key)
    legend(used | (marks or set()))
    return shown


# Colour says which way an indicator went; the label says it too, in words, for whoever cannot
# tell the colours apart or prints in grey.  Contrast of each text on its background is above 7:1.
STATUS_STYLE = {
    "improved": ("#e3f2e6", "#14532d"),
    "worsened": ("#fbe4e2", "#7f1d1d"),
    "no_clear_change": ("#eceff3", "#1f2937"),
    "no_baseline": ("#fdf3d7", "#5b4300"),
}

TABLE_CSS = (
    "<style>"
    "table.accueil-table{width:100%;border-collapse:collapse;table-layout:auto;font-size:0.9rem}"
    "table.accueil-table th,table.accueil-table td{border-bottom:1px solid #e5e7eb;padding:0.3rem 0.45rem;"
    "text-align:left;vertical-align:top;overflow-wrap:break-word}"
    "table.accueil-table th{font-weight:600;background:#f8fafc}"
    "table.accueil-table td.accueil-number{text-align:right;white-space:nowrap}"
    "table.accueil-table th{position:sticky;top:0}"
    # A long text (a detail, a fix) may break anywhere, so that one unbroken token (a file's hash)
    # cannot push the table past the page's edge; short ones keep their words whole.
    "table.accueil-table td.accueil-long{overflow-wrap:anywhere}"
    "table.accueil-table td.accueil-nowrap{white-space:nowrap}"
    "table.accueil-table td.accueil-status{white-space:nowrap;font-weight:600}"
    "table.accueil-table td.accueil-status span{display:inline-block;padding:0.1rem 0.5rem;border-radius:0.8rem}"
    + "".join(
        f"table.accueil-table td.accueil-status-{code} span{{background:{bg};color:{fg}}}"
        for code, (bg, fg) in STATUS_STYLE.items()
    )
    + "</style>"
)

LONG_TEXT = 40  # characters: a text cell longer than this may break anywhere (TABLE_CSS)
_NUMBER_KINDS = {"int", "number1", "percent", "percent_of_100", "money", "days", COVERAGE, "rate_n", "rate_n_days"}


def html_table(shown: pd.DataFrame, frame: pd.DataFrame, cols: list[Col], key: str) -> str:
    """The shown table as HTML, every cell and header escaped: names come from agencies and catalogues.

    A status cell carries its code as a class (its colour) and its label in a span; numbers are
    right-aligned and never wrap, and long text wraps, so the table fits the page's width."""
    codes = {
        header: list(frame[col.source]) for col, header in zip(cols, shown.columns, strict=True) if col.kind == STATUS
    }
    kinds = {header: col.kind for col, header in zip(cols, shown.columns, strict=True)}
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in shown.columns)
    body = []
    for position in range(len(shown)):
        cells = []
        for header in shown.columns:
            text = html.escape(str(shown[header].iloc[position])).replace("\n", "<br>")
            if header in codes:
                status = re.sub(r"[^a-z_]", "", str(codes[header][position]))
                cells.append(f'<td class="accueil-status accueil-status-{status}"><span>{text}</span></td>')
            elif kinds[header] in _NUMBER_KINDS:
                cells.append(f'<td class="accueil-number">{text}</td>')
            elif kinds[header] in ("date", "timestamp", "period"):
                cells.append(f'<td class="accueil-nowrap">{text}</td>')
            elif len(text) > LONG_TEXT:
                cells.append(f'<td class="accueil-long">{text}</td>')
            else:
                cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    name = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    return (
        f'{TABLE_CSS}<table class="accueil-table" data-table="{name}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """What a Download CSV button hands out: formula-safe cells, and a BOM so spreadsheets read it as UTF-8."""
    return csv_safe.frame_to_csv(frame, index=index).encode("utf-8-sig")


def download(csv: pd.DataFrame, key: str, index: bool = False) -> None:
    """A CSV of a table already read through accueil.access (so already under disclosure control); audited."""
    name = f"{key}_{lang()}.csv"
    st.download_button(
        tr("common.download"),
        csv_bytes(csv, index=index),
        file_name=name,
        mime="text/csv",
        key=f"download-{key}",
        on_click=access.record_export,
        args=(viewer(), f"csv:{name}", len(csv)),
    )


def legend(marks: set[str]) -> None:
    lines = []
    if SUPPRESSED in marks:
        lines.append(tr("common.suppressed_legend", mark=SUPPRESSED, threshold=access.suppression_threshold()))
    if i18n.MISSING in marks:
        lines.append(tr("common.missing_legend", mark=i18n.MISSING))
    if i18n.NOT_SET in marks:
        lines.append(tr("common.not_set_legend", mark=i18n.NOT_SET))
    if COVERAGE in marks:
        lines.append(tr("common.coverage_legend", share=i18n.percent(FEW_COVERED, lang(), 0)))
    if lines:
        st.caption("  \n".join(lines))
