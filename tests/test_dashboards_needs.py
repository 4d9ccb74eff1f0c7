"""Needs met and client voice on the funders', council and agency pages (issue 20), by AppTest on the
sample region's published snapshot.  Expected figures are read here from the snapshot with DuckDB and
formatted with plain Python, as in tests/test_dashboards.py (whose helpers and fixtures this reuses)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_dashboards import choose, html_tables, make_home, open_page, pct, snapshot, table, whole

pytestmark = pytest.mark.usefixtures("cheap_hashes")

SUPPRESSED = "x"


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch):
    return make_home(sample_warehouse, tmp_path, monkeypatch)


def _needs(home, agency: str, period: str) -> pd.DataFrame:
    return snapshot(
        home, "select * from marts.fct_unmet_needs where agency_code = ? and period = ? order by need", agency, period
    )


def test_funders_show_needs_met_beside_the_services_of_their_streams(home):
    quarters = snapshot(home, "select distinct period from marts.fct_unmet_needs where period <> 'all' order by 1")
    latest = quarters["period"].iloc[-1]
    at = open_page("funders")
    assert at.selectbox(key="f_need_q__en").value == latest
    assert at.selectbox(key="f_need_agency__en").value == "ALL"
    expected = _needs(home, "ALL", latest)
    output = snapshot(
        home,
        "select * from marts.fct_outputs where agency_code = 'ALL' and program_code = 'ALL' and period = ?",
        latest,
    ).iloc[0]
    shown = table(at, "Need", "Needs named", "Met within 180 days", "Streams that serve it").set_index("Need")
    assert len(shown) == len(expected) == 16
    for row in expected.itertuples():
        line = shown.loc[row.name_en]
        if row.suppressed:
            assert list(line[["Needs named", "Met within 180 days", "Rate", "Not met"]]) == [SUPPRESSED] * 4
            continue
        assert line["Needs named"] == whole(row.needs_named)
        assert line["Met within 180 days"] == whole(row.needs_met)
        assert line["Not met"] == whole(row.needs_named - row.needs_met)
        assert line["Rate"] == pct(row.needs_met / row.needs_named)
        services = line["Services in those streams (same agency and quarter)"]
        if not isinstance(row.stream_codes, str):
            assert line["Streams that serve it"] == "none: met by a referral"
        else:
            assert services == whole(sum(output[f"{s}_services"] for s in row.stream_codes.split("|")))
    assert shown.loc["Housing", "Streams that serve it"] == "none: met by a referral"
    assert shown.loc["Improve language skills", "Streams that serve it"] == "Language assessment, Language training"


def test_funders_needs_of_one_agency_mark_suppressed_cells_never_as_zero(home):
    cells = snapshot(
        home,
        "select agency_code, period from marts.fct_unmet_needs where agency_code <> 'ALL' and period <> 'all'"
        " group by all having bool_or(suppressed) and not bool_and(suppressed) order by period desc, agency_code",
    ).iloc[0]
    expected = _needs(home, cells.agency_code, cells.period)
    at = open_page("funders", lang="fr")
    choose(at, "f_need_q", cells.period, lang="fr")
    choose(at, "f_need_agency", cells.agency_code, lang="fr")
    assert any(h.value == "Besoins comblés et services qui devaient y répondre" for h in at.header)
    shown = table(at, "Besoin", "Besoins nommés", "Comblés dans les 180 jours").set_index("Besoin")
    for row in expected.itertuples():
        line = shown.loc[row.name_fr]
        if row.suppressed:
            assert list(line[["Besoins nommés", "Comblés dans les 180 jours", "Non comblés"]]) == [SUPPRESSED] * 3
        else:
            assert line["Besoins nommés"] == whole(row.needs_named, "fr")
            assert line["Comblés dans les 180 jours"] == whole(row.needs_met, "fr")
    assert shown.loc["Logement", "Volets qui y répondent"] == "aucun : comblé par un aiguillage"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_council_sees_client_voice_needs_met_and_francophones_served_in_french(home, lang):
    region = snapshot(
        home,
        "select r.*, c.name_en, c.name_fr from marts.fct_outcome_rates r"
        " join reference.outcome_catalogue c using (outcome)"
        " where agency_code = 'ALL' and period = 'all' and breakdown = 'all'",
    ).set_index("outcome")
    at = open_page("council", lang=lang, user="cam")
    outcome, rate = ("Outcome", "Rate") if lang == "en" else ("Résultat", "Taux")
    voice = [t for t in at.dataframe if outcome in t.value.columns and t.value[outcome].str.contains("180").any()]
    assert voice, "no table of needs met"
    shown = voice[0].value.set_index(outcome)
    for code in ("needs_met", "needs_all_met", "satisfied_with_services", "would_recommend", "has_people_to_turn_to"):
        cell = region.loc[code]
        assert shown.loc[cell[f"name_{lang}"], rate] == pct(cell["rate"], lang)
    french = [
        t.value
        for t in at.dataframe
        if outcome in t.value.columns and (t.value[outcome] == region.loc["served_in_french", f"name_{lang}"]).any()
    ]
    assert french, "no table of francophones served in French"
    shown = french[0].set_index(outcome)
    for code in [c for c in region.index if c.startswith("served_in_french")]:
        cell = region.loc[code]
        line = shown.loc[cell[f"name_{lang}"]]
        assert line[rate] == (SUPPRESSED if cell["suppressed"] else pct(cell["rate"], lang))
    # the council's indicators of them, with baselines, in the scorecard
    header = "Indicator" if lang == "en" else "Indicateur"
    frames = [f.value for f in at.dataframe] + [t for t, _ in html_tables(at)]  # the scorecard is an HTML table
    names = pd.concat([f for f in frames if header in f.columns])
    wanted = {"en": "Francophone clients served in French", "fr": "Clients francophones servis en français"}[lang]
    assert names[header].str.contains(wanted, regex=False).any()


def test_agency_sees_its_own_unmet_needs_and_what_its_clients_say(home):
    at = open_page("agency", user="ana")
    expected = _needs(home, "AG001", "all")
    shown = table(at, "Need", "Needs named", "Not met", "Share not met").set_index("Need")
    assert len(shown) == len(expected) > 0
    for row in expected.itertuples():
        line = shown.loc[row.name_en]
        if row.suppressed:
            assert list(line[["Needs named", "Not met", "Share not met"]]) == [SUPPRESSED] * 3
        else:
            assert line["Not met"] == whole(row.needs_unmet)
            assert line["Share not met"] == pct(row.share_unmet)
    said = snapshot(
        home,
        "select r.*, c.name_en from marts.fct_outcome_rates r join reference.outcome_catalogue c using (outcome)"
        " where agency_code = 'AG001' and period = 'all' and breakdown = 'all'"
        " and outcome in ('satisfied_with_services', 'would_recommend', 'has_people_to_turn_to', 'served_in_french')",
    )
    # the whole period's table, not the trend by quarter above it
    voice = next(
        f.value
        for f in at.dataframe
        if {"Outcome", "Rate"} <= set(f.value.columns) and "Quarter" not in f.value.columns
    )
    voice = voice.set_index("Outcome")
    assert len(voice) == len(said) >= 3
    for row in said.itertuples():
        line = voice.loc[row.name_en]
        assert line["Rate"] == (SUPPRESSED if row.suppressed else pct(row.rate))
