"""Issue 20, client feedback on the pages (Streamlit's AppTest on the sample snapshot): the funders',
council and agency pages show fct_survey_results as the snapshot holds it, in English and French,
suppressed cells marked x, never a zero; an agency user sees its own clients' answers beside the
region's only; the agency page's survey form goes through the door.

Expected figures are read straight from the snapshot and formatted here with plain Python.
"""

from __future__ import annotations

import csv
import sqlite3

import pytest

from accueil.contract import code_lists, survey_contract
from tests.test_dashboards import (
    PASSWORD,
    _as_shown,
    choose,
    make_home,
    open_page,
    pct,
    snapshot,
    table,
    whole,
    writable_home,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("cheap_hashes")
STREAMS = {v.code: v.label_en for v in code_lists()["service_stream"].values}


# AG001's user of this module: the access layer audits a view of client-level data once per viewer
# and snapshot in a process, and tests/test_dashboards_roles.py counts its own users' (ana's).
CLERK = "sue"


def _add_clerk() -> None:
    from accueil import control
    from accueil.auth import users

    with control.connect() as con:
        users.add(con, "test", CLERK, "agency", "AG001", PASSWORD)


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch):
    made = make_home(sample_warehouse, tmp_path, monkeypatch)
    _add_clerk()
    return made


@pytest.fixture
def upload_home(writable_home):  # noqa: F811 (the fixture imported above)
    _add_clerk()
    return writable_home


FIGURES = {"en": ["Share", "95% interval", "Agreeing or yes", "Responses"]}


def _figures(lang: str) -> list[str]:
    return FIGURES["en"] if lang == "en" else ["Part", "Intervalle à 95 %", "En accord ou oui", "Réponses"]


def _check(line, row, lang: str) -> None:
    share, interval, agreeing, responses = _figures(lang)
    if row.suppressed:
        assert list(line[[share, interval, agreeing, responses]]) == ["x"] * 4
    else:
        assert line[share] == pct(row.rate, lang)
        assert line[responses] == whole(row.denominator, lang)
        assert line[agreeing] == whole(row.numerator, lang)
        assert line[interval] == f"{pct(row.ci_low, lang)} – {pct(row.ci_high, lang)}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_council_sees_the_regions_answers_to_every_question(home, lang):
    cells = snapshot(
        home,
        "select * from marts.fct_survey_results where agency_code = 'ALL' and stream_code = 'all' and period = 'all'",
    )
    assert len(cells) == 8 and not cells["suppressed"].any()
    at = open_page("council", lang=lang)
    shown = table(at, "Question", _figures(lang)[0])
    assert len(shown) == 8
    # The questions' wording is the contract's.
    wording = {
        c.name: (c.label_en if lang == "en" else c.label_fr) for c in survey_contract().sheet("Responses").columns
    }
    for row in cells.itertuples():
        _check(shown.loc[shown["Question"] == wording[row.item]].iloc[0], row, lang)


def test_funders_see_an_agencys_streams_with_small_cells_marked(home):
    cells = snapshot(
        home,
        "select * from marts.fct_survey_results where item = 'welcomed' and agency_code <> 'ALL'"
        " and period <> 'all' and stream_code <> 'all' and (agency_code, period) in ("
        "  select (agency_code, period) from marts.fct_survey_results where item = 'welcomed'"
        "  and agency_code <> 'ALL' and period <> 'all' and stream_code <> 'all'"
        "  group by all having bool_or(suppressed) and not bool_and(suppressed))"
        " order by agency_code, period, stream_code",
    )
    agency, period = cells["agency_code"].iloc[0], cells["period"].iloc[0]
    cells = cells.loc[(cells["agency_code"] == agency) & (cells["period"] == period)]
    at = open_page("funders")
    choose(at, "funders_survey_period", period)
    choose(at, "funders_survey_scope", agency)
    choose(at, "funders_survey_item", "welcomed")
    shown = table(at, "Service stream", "Share")
    assert len(shown) == len(cells)
    for row in cells.itertuples():
        label = STREAMS[row.stream_code]
        _check(shown.loc[shown["Service stream"] == label].iloc[0], row, "en")
    # Agencies compared on the same question, the region first.
    agencies = snapshot(
        home,
        "select * from marts.fct_survey_results where item = 'welcomed' and period = ? and stream_code = 'all'",
        period,
    )
    compared = table(at, "Agency", "Share")
    assert len(compared) == len(agencies)
    for row in agencies.itertuples():
        named = (
            compared["Agency"] == "All agencies"
            if row.agency_code == "ALL"
            else compared["Agency"].str.startswith(f"{row.agency_code} — ")
        )
        _check(compared.loc[named].iloc[0], row, "en")


def test_an_agency_sees_its_own_clients_beside_the_regions_only(home):
    at = open_page("agency", user=CLERK)
    shown = table(at, "Question", "Agency", "Share")
    assert {a.split(" — ")[0] for a in shown["Agency"]} <= {"AG001", "All agencies"}
    assert shown["Agency"].str.startswith("AG001").sum() == 8
    cells = snapshot(
        home,
        "select * from marts.fct_survey_results where agency_code = 'AG001' and stream_code = 'all' and period = 'all'",
    )
    own = shown.loc[shown["Agency"].str.startswith("AG001")]
    for row in cells.itertuples():
        label = survey_contract().sheet("Responses").column(row.item).label_en
        _check(own.loc[own["Question"] == label].iloc[0], row, "en")


def test_an_agency_sends_a_survey_file_from_its_page(upload_home, sample_region, tmp_path):
    region, truth = sample_region
    source = next(
        region / f for f in truth["surveys"]["files"] if f.startswith("surveys/AG001_") and f.endswith(".csv")
    )
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[0].append("comments")
    rows[1].append("She told me about her husband")
    rows[2:] = [[*r, ""] for r in rows[2:]]
    bad = tmp_path / "AG001_EXIT_bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)

    at = open_page("agency", lang="fr", user=CLERK)
    at.file_uploader(key="s_file").set_value((bad.name, bad.read_bytes(), "text/csv")).run()
    at.button(key="s_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and _as_shown(at.error[0].value).startswith(f"{bad.name} est refusé")
    report = table(at, "Gravité", "Ligne", "Colonne", "Problème")
    problem = report.loc[report["Colonne"] == "comments"].iloc[0]
    assert problem["Ligne"] == "2" and "texte libre" in problem["Problème"]
    assert "husband" not in " ".join(report["Problème"])

    at.file_uploader(key="s_file").set_value((source.name, source.read_bytes() + b"\n", "text/csv")).run()
    at.button(key="s_submit").click().run()
    # (The page's other success line is its own extracts' publication.)
    assert any(_as_shown(s.value).startswith(f"{source.name} est accepté") for s in at.success)
    with sqlite3.connect(upload_home / "control.sqlite") as con:
        statuses = [
            s for (s,) in con.execute("select status from uploads where kind = 'survey' and received_by = 'sue'")
        ]
    assert sorted(statuses) == ["accepted", "rejected"]
