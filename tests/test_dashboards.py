"""Every dashboard page, run by Streamlit's AppTest on the sample region's published snapshot.

Expected figures are read here straight from the snapshot with DuckDB, from the working
warehouse (its client-level tables, which are not published), or from the raw extract
files, and formatted here with plain Python, not with the dashboards' helpers.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sqlite3
import string
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.workbooks import read_rows, set_cell, write_rows

APP = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"
NBSP = "\u00a0"


PASSWORD = "correct horse battery"
# The users every dashboard test can sign in as: one per role (accueil.auth, real sessions).
USERS = {"ana": ("agency", "AG001"), "fay": ("funder", None), "cam": ("council", None), "root": ("admin", None)}


pytestmark = pytest.mark.usefixtures("cheap_hashes")


def add_users(home: Path) -> None:
    from accueil import control
    from accueil.auth import users

    with control.connect() as con:
        for name, (role, agency) in USERS.items():
            users.add(con, "test", name, role, agency, PASSWORD)


def make_home(sample_warehouse, tmp_path: Path, monkeypatch) -> Path:
    """The session's sample warehouse, read through links, with its own copy of the register.

    Pages only read the snapshot, but signing in writes users, sessions and audit rows to
    the control database: each test gets a copy, so none sees another's.
    """
    source, target = sample_warehouse[0], tmp_path / "home-view"
    target.mkdir()
    for name in ("published", "warehouse.duckdb", "agency_rows.duckdb"):
        (target / name).symlink_to(source / name)
    shutil.copy2(source / "control.sqlite", target / "control.sqlite")
    monkeypatch.setenv("ACCUEIL_HOME", str(target))
    add_users(target)
    return target


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch) -> Path:
    return make_home(sample_warehouse, tmp_path, monkeypatch)


@pytest.fixture
def writable_home(sample_warehouse, tmp_path, monkeypatch) -> Path:
    """The published snapshot and the register, copied: enough for uploads and a new publish."""
    source, target = sample_warehouse[0], tmp_path / "writable-home"
    shutil.copytree(source / "published", target / "published")
    shutil.copy2(source / "control.sqlite", target / "control.sqlite")
    with sqlite3.connect(target / "control.sqlite") as con:
        (reference,) = con.execute("select max(upload_id) from uploads where kind = 'agencies'").fetchone()
    shutil.copytree(source / "accepted" / str(reference), target / "accepted" / str(reference))
    monkeypatch.setenv("ACCUEIL_HOME", str(target))
    add_users(target)
    return target


def snapshot(home: Path, sql: str, *params) -> pd.DataFrame:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).df()


def warehouse(home: Path, sql: str, *params) -> pd.DataFrame:
    """The working warehouse, which holds what the snapshot does not publish (raw, staging, intermediate)."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).df()


def sign_in(name: str = "root", password: str = PASSWORD, at: AppTest | None = None) -> AppTest:
    """The sign-in form, filled in and sent, as a person would."""
    if at is None:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str, lang: str = "en", user: str = "root") -> AppTest:
    at = sign_in(user)
    assert not at.text_input, "still on the sign-in form"
    if lang != "en":
        at.sidebar.radio(key="lang").set_value(lang).run()
    if page != "council":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, key: str, value, lang: str = "en") -> AppTest:
    # Selectboxes are keyed per language (see dashboards/shared.py: select).
    at.selectbox(key=f"{key}__{lang}").set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, *headers: str) -> pd.DataFrame:
    """The first table on the page whose columns include every header given: a Streamlit grid, or
    one of the HTML tables the pages draw for tables read at a glance (shared.html_table)."""
    frames = [f.value for f in at.dataframe] + [t for t, _ in html_tables(at)]
    for value in frames:
        if all(h in value.columns for h in headers):
            return value
    raise AssertionError(f"no table with {headers}: {[list(f.columns) for f in frames]}")


def pct(value: float, lang: str = "en") -> str:
    text = f"{value * 100:.1f}"
    return f"{text}%" if lang == "en" else f"{text.replace('.', ',')}{NBSP}%"


def whole(value: float, lang: str = "en") -> str:
    text = f"{round(value):,}"
    return text if lang == "en" else text.replace(",", NBSP)


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


HEADLINE = {
    "language_gain_any": "Language gain, any skill",
    "employment_at_followup": "Employed at follow-up",
    "sense_of_belonging": "Strong sense of belonging",
    "referral_completion_90d": "Referral to a partner completed within 90 days",
}


def test_funders_show_outputs_beside_outcomes_as_in_the_snapshot(home):
    at = open_page("funders")
    latest = snapshot(home, "select max(period) as p from marts.dim_period")["p"][0]
    assert at.selectbox(key="f_quarter__en").value == latest
    expected = snapshot(
        home,
        "select * from marts.fct_outcomes_vs_outputs where period = ? and grain = 'agency' order by agency_code",
        latest,
    )
    shown = table(at, "Agency", "Clients served", "Cost per client served").set_index("Agency")
    assert len(shown) == len(expected) + 1  # and the region row
    seen = {"x": 0, "rate": 0}
    for row in expected.itertuples():
        line = shown.loc[next(i for i in shown.index if i.startswith(row.agency_code))]
        assert line["Clients served"] == ("x" if row.suppressed else whole(row.clients_served))
        for outcome, name in HEADLINE.items():
            flag = getattr(row, f"{outcome}_suppressed")
            cell = line[name]
            if pd.isna(flag):
                assert cell == "…"  # nothing attributed: not available, and not a zero either
            elif flag:
                assert cell == "x"
                seen["x"] += 1
            else:
                # The rate with its denominator, and its interval under it, in one cell.
                rate, low, high, n = (
                    getattr(row, f"{outcome}_{p}") for p in ("rate", "ci_low", "ci_high", "denominator")
                )
                assert cell == f"{pct(rate)} (n = {whole(n)})\n{pct(low)} – {pct(high)}", cell
                seen["rate"] += 1
    assert seen["rate"] > 20
    if seen["x"]:
        assert "x suppressed: fewer than 10 clients" in captions(at)
    assert len(at.get("download_button")) >= len(at.dataframe)
    charts = at.get("vega_lite_chart")
    assert charts, "the agency comparison chart is missing"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funders_show_coverage_beside_each_rate_and_mark_the_few_covered(home, lang):
    """docs/measures.md, "Who each rate covers": eligible and coverage beside the rate, "covers few of its
    clients" under 50 %, and the adjusted employment rate and who we hear from, in English and French."""
    cells = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'employment_at_followup' and breakdown = 'all'"
        " and period = 'all' and agency_code <> 'ALL' order by agency_code",
    )
    shown_cells = cells.loc[~cells["coverage_suppressed"].astype(bool)]
    assert (shown_cells["coverage"] < 0.5).any()
    at = open_page("funders", lang)
    choose(at, "f_outcome", "employment_at_followup", lang)
    choose(at, "f_period", "all", lang)
    label = {"en": ("Agency", "Eligible", "Coverage"), "fr": ("Organisme", "Admissibles", "Couverture")}[lang]
    few = {"en": "covers few of its clients", "fr": "couvre peu de ses clients"}[lang]
    shown = table(at, *label)
    for row in cells.itertuples():
        line = shown.loc[shown[label[0]].str.startswith(row.agency_code)].iloc[0]
        if row.coverage_suppressed:
            assert list(line[list(label[1:])]) == ["x", "x"], row
        else:
            assert line[label[1]] == whole(row.eligible, lang)
            assert line[label[2]].startswith(pct(row.coverage, lang))
            assert (few in line[label[2]]) == (row.coverage < 0.5), (line[label[2]], row.coverage)
    adjusted = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'employment_at_followup_adjusted'"
        " and agency_code = 'ALL'",
    ).iloc[0]
    assert pct(adjusted.rate, lang) in captions(at)
    heard = {"en": ("Covered", "Not covered"), "fr": ("Couverts", "Non couverts")}[lang]
    assert len(table(at, *heard)) > 1


def test_funders_compare_agencies_with_intervals_and_mark_suppressed_cells(home):
    cells = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'employment_at_followup' and breakdown = 'all'"
        " and agency_code <> 'ALL' and period in (select period from marts.fct_outcome_rates"
        "  where outcome = 'employment_at_followup' and breakdown = 'all' and agency_code <> 'ALL'"
        "  group by period having bool_or(suppressed) and not bool_and(suppressed))"
        " order by period, agency_code",
    )
    period = cells["period"].iloc[0]
    cells = cells.loc[cells["period"] == period]
    assert cells["suppressed"].any() and not cells["suppressed"].all()
    at = open_page("funders")
    choose(at, "f_outcome", "employment_at_followup")
    choose(at, "f_period", period)
    shown = table(at, "Agency", "Numerator", "Denominator", "Rate", "95% interval")
    for row in cells.itertuples():
        line = shown.loc[shown["Agency"].str.startswith(row.agency_code)].iloc[0]
        if row.suppressed:
            assert list(line[["Numerator", "Denominator", "Rate", "95% interval"]]) == ["x"] * 4
        else:
            assert line["Denominator"] == whole(row.denominator)
            assert line["Rate"] == pct(row.rate)
            assert line["95% interval"] == f"{pct(row.ci_low)} – {pct(row.ci_high)}"
    hidden = ", ".join(cells.loc[cells["suppressed"], "agency_code"])
    assert f"Suppressed (not shown on the chart): {hidden}" in captions(at)
    assert "x suppressed" in captions(at)
    # The chart's title is the page's own text above it (Vega cut long titles off).
    titles = [_as_shown(m.value) for m in at.markdown]
    assert any("Employed at follow" in t and "95% interval by agency" in t for t in titles), titles


def test_funders_gba_intersection_and_community_size(home):
    at = open_page("funders")
    choose(at, "f_period", "all")
    choose(at, "f_breakdown", "immigration_category")
    rates = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'language_gain_any' and agency_code = 'ALL'"
        " and period = 'all'",
    )
    groups = table(at, "Group", "Denominator", "Rate")
    category = rates.loc[rates["breakdown"] == "immigration_category"]
    assert len(groups) == len(category)
    gar = category.loc[category["breakdown_value"] == "gar"].iloc[0]
    line = groups.loc[groups["Group"] == "Government-assisted refugee"].iloc[0]
    assert line["Rate"] == pct(gar.rate) and line["Denominator"] == whole(gar.denominator)

    cross = rates.loc[rates["breakdown"] == "gender_x_immigration_category"].set_index("breakdown_value")
    matrix = table(at, "Gender", "Government-assisted refugee").set_index("Gender")
    woman_gar = cross.loc["woman|gar"]
    expected = "x" if woman_gar.suppressed else f"{pct(woman_gar.rate)} (n = {whole(woman_gar.denominator)})"
    assert matrix.loc["Woman", "Government-assisted refugee"] == expected
    assert matrix.values.ravel().tolist().count("x") == int(cross["suppressed"].sum())

    sizes = table(at, "Outcome", "Community size", "Rate")
    size_rates = rates.loc[rates["breakdown"] == "community_size"]
    for label, code in (("Urban", "urban"), ("Small centre", "small_centre"), ("Rural", "rural")):
        line = sizes.loc[(sizes["Outcome"] == "Language gain, any skill") & (sizes["Community size"] == label)]
        row = size_rates.loc[size_rates["breakdown_value"] == code].iloc[0]
        assert line["Rate"].iloc[0] == ("x" if row.suppressed else pct(row.rate)), label
    # Every chart labels what it draws: its rows' values as text, and community size in a legend.
    specs = chart_specs(at)
    assert len(specs) == 3
    for spec in specs:
        assert_every_mark_labelled(spec)
    shown_groups = [v for spec in specs for v in chart_texts(spec)]
    assert pct(gar.rate) in shown_groups
    legends = [layer["encoding"]["color"] for spec in specs for layer in spec["layer"] if "color" in layer["encoding"]]
    assert [c["title"] for c in legends] == ["Community size"]


def test_funders_in_french(home):
    at = open_page("funders", lang="fr")
    assert at.title[0].value == "Bailleurs : résultats et extrants"
    latest = snapshot(home, "select max(period) as p from marts.dim_period")["p"][0]
    region = snapshot(
        home,
        "select * from marts.fct_outcomes_vs_outputs where period = ? and grain = 'region'",
        latest,
    ).iloc[0]
    shown = table(at, "Organisme", "Clients servis", "Coût par client servi")
    line = shown.loc[shown["Organisme"] == "Tous les organismes"].iloc[0]
    assert region.clients_served >= 1000  # so that the thousands separator is exercised
    assert line["Clients servis"] == whole(region.clients_served, "fr")
    assert NBSP in line["Clients servis"]
    # The rate in French, with its denominator (n) and, under it, its interval.
    rate, n = region.language_gain_any_rate, region.language_gain_any_denominator
    low, high = region.language_gain_any_ci_low, region.language_gain_any_ci_high
    expected = f"{pct(rate, 'fr')} (n = {whole(n, 'fr')})\n{pct(low, 'fr')} – {pct(high, 'fr')}"
    assert line["Progrès linguistique, au moins une compétence"] == expected
    assert line["Coût par client servi"].endswith(f"{NBSP}$")
    assert at.selectbox(key="f_quarter__fr").value == latest
    assert f"{latest[:4]} T{latest[-1]}" in at.selectbox(key="f_quarter__fr").options
    assert any(b.label == "Télécharger en CSV" for b in at.get("download_button"))
    assert at.sidebar.radio(key="lang").value == "fr"


class _Tables(HTMLParser):
    """The HTML tables a page shows (shared.html_table), read back as text with their cells' classes,
    and every tag the HTML holds."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None
        self._classes = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "br" and self._cell is not None:
            self._cell.append("\n")
        if tag == "style":
            self._in_style = True
        elif tag == "table":
            self.tables.append({"name": attrs.get("data-table"), "headers": [], "rows": [], "classes": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
            self.tables[-1]["classes"].append([])
        elif tag in ("td", "th"):
            self._cell, self._classes = [], attrs.get("class") or ""

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            if tag == "th":
                self.tables[-1]["headers"].append(text)
            else:
                self.tables[-1]["rows"][-1].append(text)
                self.tables[-1]["classes"][-1].append(self._classes)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and not self._in_style:
            self._cell.append(data)


HTML_TAGS = {"style", "br", "table", "thead", "tbody", "tr", "th", "td", "span", "div", "p", "ul", "li", "strong", "a"}


def chart_specs(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of the page's Altair charts, each data set read back as a frame under _rows."""
    import json

    import pyarrow as pa

    specs = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec["_rows"] = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets}
        specs.append(spec)
    return specs


def _data_name(spec: dict, layer: dict) -> str | None:
    return layer.get("data", spec.get("data", {})).get("name")


def chart_texts(spec: dict) -> list[str]:
    """Every text a chart's text layers draw, read from their data."""
    found = []
    for layer in spec.get("layer", [spec]):
        if layer.get("mark", {}).get("type", layer.get("mark")) != "text":
            continue
        field = layer["encoding"]["text"]["field"]
        found += [str(v) for v in spec["_rows"][_data_name(spec, layer)][field]]
    return found


def assert_every_mark_labelled(spec: dict) -> None:
    """A chart labels every mark it draws: each point, line or rule layer has a text layer on the same
    data (its values written beside it), or is a reference line whose own text layer names it."""
    layers = spec.get("layer", [spec])
    kinds = [layer.get("mark", {}).get("type", layer.get("mark")) for layer in layers]
    assert "text" in kinds, kinds
    drawn = {_data_name(spec, layer) for layer, kind in zip(layers, kinds, strict=True) if kind != "text"}
    written = {_data_name(spec, layer) for layer, kind in zip(layers, kinds, strict=True) if kind == "text"}
    assert drawn <= written, (drawn, written)


def html_elements(at: AppTest) -> list[str]:
    return [node.proto.body for node in at._tree if getattr(node, "type", None) == "html"]


def html_tables(at: AppTest) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Every HTML table on the page: (its text, its cells' classes), with its headers as columns."""
    found = []
    for body in html_elements(at):
        parser = _Tables()
        parser.feed(body)
        for t in parser.tables:
            rows = [r for r in t["rows"] if r]
            classes = [c for c in t["classes"] if c]
            found.append((pd.DataFrame(rows, columns=t["headers"]), pd.DataFrame(classes, columns=t["headers"])))
    return found


STATUS_EN = {
    "improved": "Improved",
    "worsened": "Worsened",
    "no_clear_change": "No clear change",
    "no_baseline": "No baseline",
}
STATUS_FR = {
    "improved": "Amélioration",
    "worsened": "Détérioration",
    "no_clear_change": "Pas de changement net",
    "no_baseline": "Aucune référence",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_council_scorecard(home, lang):
    present = not snapshot(
        home,
        "select 1 from information_schema.tables"
        " where table_schema = 'marts' and table_name = 'fct_indicator_progress'",
    ).empty
    at = open_page("council", lang)
    if not present:
        at.sidebar.radio(key="lang").set_value("en").run()
        assert "indicators are not loaded yet" in at.info[0].value
        at.sidebar.radio(key="lang").set_value("fr").run()
        assert "indicateurs de collectivité accueillante ne sont pas encore chargés" in at.info[0].value
        return
    latest = snapshot(
        home,
        "select p.*, d.name_en, d.name_fr, d.characteristic_number from marts.fct_indicator_progress p"
        " join marts.dim_indicator d"
        " using (indicator_code) where is_latest order by indicator_code",
    )
    labels = STATUS_EN if lang == "en" else STATUS_FR
    geography = at.selectbox(key=f"c_geo__{lang}").value
    mine = latest.loc[latest["geography_code"] == geography]
    statuses = {m.label: m.value for m in at.metric}
    for status, label in labels.items():
        assert statuses[label] == whole((mine["status"] == status).sum(), lang)
    # Every indicator of the geography is a row, its status a coloured label in words, never hidden
    # (a suppressed value still has a status), with the denominator beside the value.
    status_header, name_column = ("Status", "name_en") if lang == "en" else ("Situation", "name_fr")
    tables = [(t, c) for t, c in html_tables(at) if status_header in t.columns]
    assert len(tables) == mine["characteristic_number"].nunique()
    shown = pd.concat([t for t, _ in tables], ignore_index=True)
    classes = pd.concat([c for _, c in tables], ignore_index=True)
    assert len(shown) == len(mine)
    by_name = {name: status for name, status in zip(mine[name_column], mine["status"], strict=True)}
    for position, cell in enumerate(shown.iloc[:, 0]):
        name = next(n for n in by_name if cell.startswith(f"{n} ("))
        assert shown[status_header].iloc[position] == labels[by_name[name]]
        assert f"accueil-status-{by_name[name]}" in classes[status_header].iloc[position]
    assert ("Denominator" if lang == "en" else "Dénominateur") in shown.columns
    # A missing baseline or target is "not set" (—), with its own legend.
    if mine["baseline_value"].isna().any():
        assert "—" in set(shown["Baseline" if lang == "en" else "Valeur de référence"])
        assert ("— not set" if lang == "en" else "— non fixé") in captions(at)


def test_the_command_line_counts_statuses_as_the_page_does(home, capsys):
    """`accueil demo` ends with each geography's status counts: the page's, for the same geography."""
    from accueil.indicators.commands import demo_summary

    demo_summary()
    printed = capsys.readouterr().out
    latest = snapshot(home, "select geography_code, status from marts.fct_indicator_progress where is_latest")
    at = open_page("council")
    on_page = {m.label: m.value for m in at.metric}
    geography = at.selectbox(key="c_geo__en").value
    for code, statuses in latest.groupby("geography_code"):
        (line,) = [x for x in printed.splitlines() if x.startswith("Latest status") and f"({code}):" in x]
        counts = statuses["status"].value_counts()
        expected = ", ".join(f"{int(counts.get(s, 0))} {label.lower()}" for s, label in STATUS_EN.items())
        assert line.endswith(f": {expected}."), (line, expected)
        if code == geography:
            assert [on_page[label] for label in STATUS_EN.values()] == [str(int(counts.get(s, 0))) for s in STATUS_EN]


def test_the_scorecard_shows_the_change_that_decided_the_status(home):
    """Service reach, 0.859 against 0.894 (a ratio shown at two decimals), must not read as a change
    of -0.0 or -0.03 under a threshold it passed: the page shows it at the decimals that decide it,
    worked out here from the snapshot's values with Decimal, not with the page's helper."""
    from decimal import ROUND_HALF_EVEN, Decimal

    at = open_page("council")
    latest = snapshot(
        home,
        "select p.*, d.name_en from marts.fct_indicator_progress p join marts.dim_indicator d using (indicator_code)"
        " where is_latest and geography_code = ? and change_since_baseline is not null",
        at.selectbox(key="c_geo__en").value,
    )
    shown = pd.concat([t for t, _ in html_tables(at) if "Status" in t.columns], ignore_index=True)
    checked = 0
    for row in latest.itertuples():
        (cell,) = [c for c in shown["Change since baseline"][shown["Indicator"].str.startswith(f"{row.name_en} (")]]
        number = Decimal(re.sub(r"[^0-9.\-]", "", cell.replace("points", "")))
        change = Decimal(str(row.change_since_baseline))
        # The shown change is the true one rounded at the shown decimals...
        places = Decimal(1).scaleb(number.as_tuple().exponent)
        assert abs(number - change) <= places / 2 + Decimal("1e-9"), (row.indicator_code, cell, change)
        # ...is not zero, and passes the threshold exactly when the true change does.
        assert number != 0, (row.indicator_code, cell)
        threshold = Decimal(str(row.change_threshold)).quantize(places, rounding=ROUND_HALF_EVEN)
        if row.status in ("improved", "worsened"):
            assert abs(number) > threshold, (row.indicator_code, cell, threshold)
        checked += 1
    assert checked >= 5


def test_agency_page_history_outputs_and_data_quality(home, sample_region):
    region, _ = sample_region
    at = open_page("agency")
    assert at.selectbox(key="a_agency__en").value == "AG001"
    history = table(at, "Upload", "Quarter", "File", "Status")
    with sqlite3.connect(home / "control.sqlite") as con:
        uploads = con.execute(
            "select file_name, status from uploads where kind = 'extract' and agency_cd = 'AG001'"
        ).fetchall()
    assert sorted(history["File"]) == sorted(name for name, _ in uploads)
    assert set(history["Status"]) == {"Loaded"}

    outputs = snapshot(home, "select * from marts.fct_outputs where agency_code = 'AG001' and grain = 'agency'")
    shown = table(at, "Quarter", "Clients served", "Services")
    first = outputs.sort_values("period").iloc[0]
    assert shown["Clients served"].iloc[0] == whole(first.clients_served)

    # Completeness, against the raw extract file the agency sent.
    quarter = at.selectbox(key="a_quality_quarter__en").value
    rows = read_rows(region / f"AG001_{quarter}.xlsx")["Client Profile"]
    names, data = rows[1], rows[3:]
    column = names.index("lgbtq2_ind")
    filled = sum(1 for r in data if str(r[column]).strip() not in ("", "None"))
    quality = table(at, "Sheet", "Field", "Filled in", "Rows", "Completeness")
    line = quality.loc[(quality["Sheet"] == "Client Profile") & quality["Field"].str.startswith("lgbtq2_ind")].iloc[0]
    assert line["Rows"] == whole(len(data))
    assert line["Filled in"] == whole(filled)
    assert line["Completeness"] == pct(filled / len(data))
    timely = table(at, "Quarter", "Quarter ended", "Days after quarter end")
    assert len(timely) == len(uploads)


def test_agency_uploads_a_good_and_a_bad_extract(writable_home, sample_region, tmp_path):
    region, _ = sample_region
    rows = read_rows(region / "AG003_2025Q4.xlsx")
    good = write_rows(tmp_path / "AG003_2025Q4.xlsx", rows)  # same records, new bytes: a correction
    set_cell(rows, "Client Profile", "postal_fsa", 0, "L2R 3M4")  # a full postal code: an identifier
    (tmp_path / "bad").mkdir()
    bad = write_rows(tmp_path / "bad" / "AG003_2025Q4.xlsx", rows)

    at = open_page("agency")
    choose(at, "a_agency", "AG003")
    at.file_uploader(key="a_file").set_value((good.name, good.read_bytes(), "application/octet-stream")).run()
    assert at.selectbox(key="a_quarter__en").value == "2025Q4"  # read from the file name
    at.button(key="a_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success and _as_shown(at.success[0].value).startswith(f"Accepted: {good.name} is upload ")
    history = table(at, "Upload", "Quarter", "File", "Status")
    assert history["Status"].iloc[0] == "Accepted"
    # Which upload counts for each quarter: the one the published snapshot holds (its manifest, read
    # here), and the new correction from the next build on; every other, no.
    manifest = json.loads((writable_home / "published" / "manifest.json").read_text(encoding="utf-8"))
    published = {int(row[3]) for row in manifest["uploads"] if row}
    counts = dict(zip(history["Upload"], history["Counts for its quarter"], strict=True))
    newest = history["Upload"].iloc[0]
    assert counts.pop(newest) == "From the next build, in place of the current figures"
    for upload, said in counts.items():
        assert said == ("Yes: in the published figures" if int(upload) in published else "No"), (upload, said)
    assert list(counts.values()).count("Yes: in the published figures") == len(history) - 1

    at = open_page("agency", lang="fr")
    choose(at, "a_agency", "AG003", lang="fr")
    at.file_uploader(key="a_file").set_value((bad.name, bad.read_bytes(), "application/octet-stream")).run()
    at.button(key="a_submit").click().run()
    assert at.error and _as_shown(at.error[0].value).startswith(f"Rejeté : {bad.name} compte ")
    report = table(at, "Gravité", "Feuille", "Ligne", "Colonne", "Problème")
    # The column by the label the workbook shows, read here from the contract's own file.
    labels = _contract_labels()
    problem = report.loc[report["Colonne"] == labels[("Client Profile", "postal_fsa")]["fr"]].iloc[0]
    assert problem["Feuille"] == "Client Profile" and problem["Ligne"] == "4"
    assert "mis en quarantaine" in problem["Problème"]
    assert not report["Colonne"].isin(["postal_fsa"]).any()
    assert not any("docs/" in text or "seeds/" in text for text in report["Comment corriger"])
    # A help page the clerk can open, linked from the report, in her language.
    (link,) = at.get("page_link")
    assert (link.proto.page, link.proto.query_string) == ("help", "lang=fr") and link.proto.label.startswith("Aide :")
    with sqlite3.connect(writable_home / "control.sqlite") as con:
        statuses = [s for (s,) in con.execute("select status from uploads where agency_cd = 'AG003' order by 1")]
    assert statuses.count("accepted") == 1 and statuses.count("rejected") == 1

    # Switched to English, the same report is shown in English.
    at.sidebar.radio(key="lang").set_value("en").run()
    report_en = table(at, "Severity", "Sheet", "Row", "Column", "Problem")
    assert len(report_en) == len(report)
    assert labels[("Client Profile", "postal_fsa")]["en"] in set(report_en["Column"])
    assert any("quarantined" in text for text in report_en["Problem"])

    # The same rejected file sent again: its errors again, not "nothing to do".
    at.file_uploader(key="a_file").set_value((bad.name, bad.read_bytes(), "application/octet-stream")).run()
    at.button(key="a_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "and rejected: its errors are below again" in _as_shown(at.info[0].value)
    again = table(at, "Severity", "Sheet", "Row", "Column", "Problem")
    assert again.equals(report_en)


def _contract_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(sheet, machine name) -> the workbook's label in English and French, from the contract's YAML."""

    raw = _contract_yaml()
    return {
        (sheet["name"], c["name"]): {"en": c["label_en"], "fr": c["label_fr"]}
        for sheet in raw["sheets"]
        for c in sheet["columns"]
    }


def _contract_yaml() -> dict:
    """The extract contract's YAML, its shared column groups (`include: NAME`) spelled out in place."""
    import yaml

    path = Path(__file__).resolve().parents[1] / "accueil" / "contract" / "extract_v1.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = raw.get("blocks", {})
    for sheet in raw["sheets"]:
        spelled = [
            c for entry in sheet["columns"] for c in (groups[entry["include"]] if "include" in entry else [entry])
        ]
        # A later definition of a column (the profile's own postal_fsa) replaces the block's, in its place.
        by_name: dict[str, dict] = {}
        for column in spelled:
            by_name[column["name"]] = column
        sheet["columns"] = list(by_name.values())
    return raw


def test_a_code_list_error_gives_the_valid_values(writable_home, sample_region, tmp_path):
    """A speaking CLB level of 13 is refused with every valid value, as the workbook's drop-down offers them
    (the seed's labels, read here), and the column named by its label."""
    import csv

    region, _ = sample_region
    rows = read_rows(region / "AG004_2025Q4.xlsx")
    set_cell(rows, "Language Assessment", "speaking_CLB_level_id", 0, "13")
    bad = write_rows(tmp_path / "AG004_2025Q4.xlsx", rows)
    with (Path(__file__).resolve().parents[1] / "seeds" / "icare_code_values.csv").open(encoding="utf-8") as f:
        levels = [r for r in csv.DictReader(f) if r["code_list"] == "clb_listening_speaking"]
    labels = _contract_labels()[("Language Assessment", "speaking_CLB_level_id")]
    for lang, words in (("en", ("Column", "How to fix it")), ("fr", ("Colonne", "Comment corriger"))):
        at = open_page("agency", lang=lang)
        choose(at, "a_agency", "AG004", lang=lang)
        at.file_uploader(key="a_file").set_value((bad.name, bad.read_bytes(), "application/octet-stream")).run()
        at.button(key="a_submit").click().run()
        assert not at.exception, [e.value for e in at.exception]
        report = table(at, *words)
        (fix,) = report.loc[report[words[0]] == labels[lang], words[1]]
        named = [r[f"label_{lang}"] for r in levels if not r["code"].isdigit()]
        numbers = sorted(int(r["code"]) for r in levels if r["code"].isdigit())
        assert all(name in fix for name in named), fix
        assert f"{numbers[0]} {'à' if lang == 'fr' else 'to'} {numbers[-1]}" in fix, fix


def test_journeys_flows_completion_and_waiting(home):
    at = open_page("journeys")
    referrals = warehouse(
        home,
        "select referring_agency_code, receiving_agency_code from intermediate.int_referrals where not is_same_agency",
    )
    counts = referrals.value_counts().rename("n").reset_index()
    matrix = table(at, "AG002").set_index("Referring agency")
    big = counts.loc[counts["n"] >= 20].iloc[0]
    assert matrix.loc[big.referring_agency_code, big.receiving_agency_code] == whole(big.n)
    small = counts.loc[counts["n"] < 10]
    for row in small.itertuples():
        assert matrix.loc[row.referring_agency_code, row.receiving_agency_code] == "x"
    assert len(at.get("plotly_chart")) == 1
    assert any(m.value.startswith("**Referrals between agencies") for m in at.markdown)
    # One colour per agency on both sides of the flow chart, and every agency a colour of its own.
    import json

    (sankey,) = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    colours = dict(zip(sankey["node"]["label"], sankey["node"]["color"], strict=True))
    both = {label[:-2] for label in colours if label.endswith(" →")} & {
        label[2:] for label in colours if label.startswith("→ ")
    }
    assert both and all(colours[f"{a} →"] == colours[f"→ {a}"] for a in both)
    assert len({colours[f"{a} →"] for a in both}) == len(both)

    completion = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'referral_completion_90d' and period = 'all'"
        " and breakdown = 'all' and agency_code = 'AG001'",
    ).iloc[0]
    shown = table(at, "Referring agency", "Completed within 90 days", "Referrals", "Rate")
    line = shown.loc[shown["Referring agency"].str.startswith("AG001")].iloc[0]
    assert line["Rate"] == pct(completion.rate) and line["Referrals"] == whole(completion.denominator)

    waiting = snapshot(
        home,
        "select * from marts.fct_outcome_rates where outcome = 'days_arrival_to_first_service' and period = 'all'"
        " and breakdown = 'immigration_category' and agency_code = 'ALL' and breakdown_value = 'gar'",
    ).iloc[0]
    shown = table(at, "Immigration category", "Median (days)")
    line = shown.loc[shown["Immigration category"] == "Government-assisted refugee"].iloc[0]
    assert line["Median (days)"] == whole(waiting.rate)

    at.sidebar.radio(key="lang").set_value("fr").run()
    assert at.title[0].value == "Parcours des clients"
    assert not table(at, "Organisme d'origine", "Suivis d'un service dans les 90 jours").empty


def test_every_page_renders_from_the_snapshot_while_a_load_holds_the_warehouse(home):
    """The pipeline's write lock on warehouse.duckdb does not reach the published snapshot."""
    # Its own copy to lock: the session's warehouse is read by other workers' tests meanwhile.
    held = home / "warehouse.duckdb"
    source = held.resolve()
    held.unlink()
    shutil.copy2(source, held)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; con = duckdb.connect(sys.argv[1]); con.execute('begin transaction');"
            " con.execute('create table main.load_in_progress as select 1 as x');"
            " print('locked', flush=True); sys.stdin.read()",
            str(home / "warehouse.duckdb"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(duckdb.IOException):  # the lock is real: nobody else may open the warehouse
            duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
        at = open_page("council")
        assert at.title[0].value == "Council scorecard"
        for page, headers in (
            ("funders", ("Agency", "Clients served")),
            ("agency", ("Sheet", "Field", "Completeness")),
            ("journeys", ("Referring agency", "Rate")),
        ):
            at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (page, [e.value for e in at.exception])
            assert not at.error, (page, [e.value for e in at.error])
            assert len(table(at, *headers)) > 0
    finally:
        holder.communicate("", timeout=60)  # ends the transaction uncommitted: the warehouse is unchanged


def test_a_new_publish_is_seen_without_a_restart(writable_home):
    at = open_page("journeys")
    before = table(at, "Referring agency", "Rate")["Referring agency"].tolist()
    assert any(a.startswith("AG001 — ") for a in before) and "AG001 — Renamed Agency" not in before
    published = writable_home / "published" / "warehouse.duckdb"
    fresh = published.with_name("next.duckdb")
    shutil.copyfile(published, fresh)
    with duckdb.connect(str(fresh)) as con:
        con.execute("update marts.dim_agency set agency_name = 'Renamed Agency' where agency_code = 'AG001'")
    os.replace(fresh, published)  # as accueil.publish does
    at.run()
    assert "AG001 — Renamed Agency" in table(at, "Referring agency", "Rate")["Referring agency"].tolist()


def _as_shown(markdown: str) -> str:
    """What a Markdown element shows: the pages escape text from others (file names) with backslashes,
    and put an invisible word joiner where a bare address would become a link (shared.md)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


# ---- text from others is shown as text ------------------------------------------------------------

# Markup a partnership member could put in an agency's, program's or indicator's name, a file name or
# an identity provider's name claim: an image every reader's browser would fetch, raw HTML, a script
# link, Streamlit's LaTeX and colour directives, and bare addresses GitHub-flavoured Markdown links.
HOSTILE = (
    '![x](http://evil.example/x.png) <img src="http://evil.example/y.png" onerror="alert(1)">'
    " [link](javascript:alert(1)) $x^2$ :red[red] www.evil.example ask@evil.example"
)
# What must never reach a Markdown body unescaped.
RENDERED_IF_FOUND = ("![x](", "](http", "<img", "[link](", "javascript:", "$x^2$", ":red[", "www.evil", "@evil")
# Markdown-rendering fields of Streamlit's element protos: bodies, widget, metric, tab and button
# labels, tooltips.  Selectbox options and dataframe cells are plain text; radio options are Markdown.
MARKDOWN_FIELDS = {"body", "label", "help"}


def _markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every string the page hands Streamlit to render as Markdown."""
    from google.protobuf.json_format import MessageToDict

    found = []

    def walk(value, element: str, field: str | None = None) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, element, key)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, element, field)
        elif isinstance(value, str) and (field in MARKDOWN_FIELDS or (element == "radio" and field == "options")):
            found.append((element, value))

    for node in at._tree:
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) == "html":  # HTML, not Markdown: _assert_shown_as_text reads it
            continue
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            walk(MessageToDict(proto, preserving_proto_field_name=True), getattr(node, "type", "?"))
    return found


def _assert_shown_as_text(at: AppTest, page: str) -> list[str]:
    """No Markdown body on the page would render the hostile text as an image, a link, HTML, LaTeX or
    a directive; returns the bodies, for the caller to find the name where it belongs."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True})
    texts = _markdown_texts(at)
    assert texts, page
    for element, text in texts:
        for fragment in RENDERED_IF_FOUND:  # unless its first character is escaped
            assert not re.search(r"(?<!\\)" + re.escape(fragment), text), (page, element, fragment, text)
        rendered = renderer.render(text)
        assert "<img" not in rendered and "<a " not in rendered, (page, element, rendered)
    # The HTML the pages write themselves (tables, the rejection report) holds only their own tags:
    # a name's markup is escaped text inside a cell.
    for body in html_elements(at):
        parser = _Tables()
        parser.feed(body)
        assert parser.tags <= HTML_TAGS, (page, parser.tags - HTML_TAGS)
    return [text for _, text in texts] + [html.unescape(b) for b in html_elements(at)]


WORD_JOINER = "\u2060"
# The characters the issue names, and what Streamlit adds: `$` (LaTeX), `:` (colours, icons, emoji).
NAMED = "\\`*_{}[]()#+-.!|<>~$:&"


def test_the_escaping_helper_escapes_every_character_markdown_gives_a_meaning_to(monkeypatch):
    from markdown_it import MarkdownIt

    monkeypatch.syspath_prepend(str(APP.parent))
    from shared import md

    assert set(NAMED) <= set(string.punctuation)
    for c in string.punctuation:  # every ASCII punctuation character: CommonMark lets each be escaped
        assert md(c) == "\\" + c + (WORD_JOINER if c == "@" else ""), c
        assert md(f"a{c}{c}b") == f"a{md(c)}{md(c)}b", c
    # An invisible word joiner where GitHub-flavoured Markdown would make a bare address a link, only there.
    assert md("http://x") == f"http\\:{WORD_JOINER}\\/\\/x" and md("javascript:x") == "javascript\\:x"
    assert md("www.x") == f"www{WORD_JOINER}\\.x" and md("a@b") == f"a\\@{WORD_JOINER}b"
    assert md("Centre d’accueil — Été 2025 AG001") == "Centre d’accueil — Été 2025 AG001"  # nothing else changes
    # A line break would start a new block (a heading, a list, a quote): control characters become spaces.
    assert md("a\nb\r\n# c\td\x00e\x7ff\u2028g") == "a b  \\# c d e f g"

    # What an independent CommonMark renderer makes of the escaped text: the text, in one paragraph,
    # with no tag, and nothing GitHub-flavoured Markdown would turn into a link.
    renderer = MarkdownIt("commonmark", {"html": True})
    samples = [
        HOSTILE,
        string.punctuation,
        '<script>alert(1)</script><img src=x onerror="alert(1)">',
        "&lt;b&gt; &amp; &#60;img&#62;",
        "\\![x](http://evil.example/x.png) \\\\[y](javascript:alert(1))",
        "`code` **b** _i_ ~~s~~ | a | b | ==m== ^s^ H~2~O",
        "1. list",
        "- item",
        "> quote",
        "---",
        "# heading",
        "[a]: http://evil.example",
        "<https://evil.example> mailto:a@evil.example HTTPS://EVIL.EXAMPLE WWW.evil.example",
    ]
    for text in samples:
        rendered = renderer.render(md(text))
        assert re.findall(r"<[^>]+>", rendered) == ["<p>", "</p>"], (text, rendered)
        seen = html.unescape(rendered.removeprefix("<p>").removesuffix("</p>\n"))
        assert seen.replace(WORD_JOINER, "") == text
        assert not re.search(r"(?i)(https?://|www\.)", seen), seen  # GFM's autolink literals
        assert not re.search(r"[-.\w+]+@[-\w]+(\.[-\w]+)+", seen), seen


@pytest.fixture
def hostile_home(writable_home) -> Path:
    """The snapshot with HOSTILE as AG001's name, its programs' names, one characteristic, one
    indicator and the geographies' names."""
    with duckdb.connect(str(writable_home / "published" / "warehouse.duckdb")) as con:
        con.execute("update marts.dim_agency set agency_name = ? where agency_code = 'AG001'", [HOSTILE])
        con.execute("update marts.dim_program set program_name_en = ? where agency_code = 'AG001'", [HOSTILE])
        con.execute(
            "update marts.dim_site set agency_name = ?, site_name = ? where agency_code = 'AG001'", [HOSTILE] * 2
        )
        con.execute(
            "update marts.dim_indicator set characteristic_en = ?"
            " where characteristic_number = (select min(characteristic_number) from marts.dim_indicator)",
            [HOSTILE],
        )
        con.execute(  # the first indicator the council page offers to chart
            "update marts.dim_indicator set name_en = ? where indicator_code = ("
            " select p.indicator_code from marts.fct_indicator_progress p join marts.dim_indicator d"
            " using (indicator_code) order by d.characteristic_number, p.indicator_code, p.geography_code limit 1)",
            [HOSTILE],
        )
        con.execute("update marts.fct_indicator_progress set geography_name_en = ?", [HOSTILE])
    return writable_home


def test_markup_in_names_is_shown_as_text_on_every_page(hostile_home):
    # An admin whose identity provider's name claim carries markup, as the sidebar names them.
    now = datetime.now(UTC).timestamp()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.user = {"is_logged_in": True, "email": "![x](http://evil.example/x.png)", "accueil_role": "admin", "iat": now}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Council scorecard"
    shown = [_as_shown(b) for b in _assert_shown_as_text(at, "council")]
    assert "Signed in as **oidc:![x](http://evil.example/x.png)** (admin)" in shown, shown
    # The characteristic is a heading, escaped; the geography and indicator names are selectbox
    # options, which Streamlit shows as plain text: given as they are.
    assert any(_as_shown(h.value).endswith(f". {HOSTILE}") for h in at.subheader)
    # The indicator's name is a cell of the scorecard's HTML table, as text.
    assert any(cell.startswith(f"{HOSTILE} (") for t, _ in html_tables(at) for cell in t.iloc[:, 0])
    assert HOSTILE in at.selectbox(key="c_geo__en").options
    assert HOSTILE in at.selectbox(key="c_indicator__en").options

    at.switch_page("views/funders.py").run()
    assert not at.exception, [e.value for e in at.exception]
    choose(at, "f_agency", "AG001")
    shown = [_as_shown(b) for b in _assert_shown_as_text(at, "funders")]
    assert f"**Programs of AG001 — {HOSTILE}**" in shown, shown
    assert f"AG001 — {HOSTILE}" in at.selectbox(key="f_agency__en").options
    assert f"AG001 — {HOSTILE}" in table(at, "Agency", "Clients served")["Agency"].tolist()
    assert HOSTILE in " ".join(table(at, "Program", "Clients served")["Program"])

    for page in ("journeys", "submissions", "followups", "report", "service_map", "audit", "agency"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        _assert_shown_as_text(at, page)

    # An upload's file name, in the message that follows it.
    name = "AG001_2025Q4 <img src=x onerror=alert(1)> [link](javascript:alert(1)) $x^2$ :red[r].xlsx"
    at.file_uploader(key="a_file").set_value((name, b"not a workbook", "application/octet-stream")).run()
    at.button(key="a_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [_as_shown(b) for b in _assert_shown_as_text(at, "agency, after an upload")]
    assert any(name in b for b in shown), shown

    # An agency user sees its own agency's name as the page's subheading.
    at = open_page("agency", user="ana")
    _assert_shown_as_text(at, "agency, as its user")
    assert _as_shown(at.subheader[0].value) == f"AG001 — {HOSTILE}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_help_page_lists_every_column_by_its_label_with_what_it_accepts(home, lang):
    """The page the rejection reports point to: every sheet and column of the contract (read here from
    its YAML), by the workbook's label in the page's language, with what each accepts."""
    raw = _contract_yaml()
    at = open_page("help", lang)
    assert at.title[0].value == ("Help: the extract's columns" if lang == "en" else "Aide : colonnes de l'extrait")
    tables = [t for t, _ in html_tables(at)]
    label_header = "Column (as the workbook labels it)" if lang == "en" else "Colonne (libellé du classeur)"
    accepts = "Accepts" if lang == "en" else "Valeurs acceptées"
    sheets = [t for t in tables if label_header in t.columns]
    assert len(sheets) == len(raw["sheets"])
    for sheet, shown in zip(raw["sheets"], sheets, strict=True):
        assert list(shown[label_header]) == [c[f"label_{lang}"] for c in sheet["columns"]]
    assessment = sheets[[s["name"] for s in raw["sheets"]].index("Language Assessment")]
    speaking = assessment.loc[
        assessment[label_header] == _contract_labels()[("Language Assessment", "speaking_CLB_level_id")][lang]
    ]
    assert ("1 to 12" if lang == "en" else "1 à 12") in speaking[accepts].iloc[0]
    identifiers = next(t for t in tables if len(t.columns) == 2)
    assert set(identifiers.iloc[:, 0]) == {i["name"] for i in raw["direct_identifiers"]}
