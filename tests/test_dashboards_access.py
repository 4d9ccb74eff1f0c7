"""The data-access layer and the i18n module, without a warehouse: roles, parameters, disclosure, formats."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from accueil import access, i18n
from accueil.ingest import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from shared import Col, render_table

ADMIN = access.Viewer("operator", "admin")


def test_every_label_has_english_and_french():
    for key, texts in i18n.LABELS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(t.strip() for t in texts.values()), key
    placeholders = {
        key: sorted(part.split("}")[0] for part in t["en"].split("{")[1:]) for key, t in i18n.LABELS.items()
    }
    for key, names in placeholders.items():
        assert sorted(part.split("}")[0] for part in i18n.LABELS[key]["fr"].split("{")[1:]) == names, key


def test_fr_ca_formats_numbers_and_dates_the_canadian_french_way():
    assert i18n.number(1234.5, "fr", 1) == "1\u00a0234,5"
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.percent(0.368, "fr") == "36,8\u00a0%"
    assert i18n.percent(0.368, "en") == "36.8%"
    assert i18n.money(1641.66, "fr") == "1\u00a0642\u00a0$"
    assert i18n.money(1641.66, "en") == "$1,642"
    assert i18n.day("2025-07-14", "fr") == "14 juillet 2025"
    assert i18n.day("2025-07-14", "en") == "July 14, 2025"
    assert i18n.quarter("2025Q3", "fr") == "2025 T3"
    assert i18n.number(None, "fr") == i18n.MISSING
    assert i18n.percent(float("nan"), "en") == i18n.MISSING


def test_code_labels_combine_for_the_intersection():
    catalogue = {("gender", "woman"): ("Woman", "Femme"), ("immigration_category", "gar"): ("GAR", "RPG")}
    assert i18n.code_label("gender_x_immigration_category", "woman|gar", "fr", catalogue) == "Femme × RPG"
    assert i18n.code_label("target_group", "lgbtq2", "fr") == "2ELGBTQ+"
    assert i18n.code_label("age_band", "unknown-code", "en") == "unknown-code"


def test_roles_are_checked_in_the_access_layer():
    agency = access.Viewer("a1", "agency", "AG001")
    funder = access.Viewer("f", "funder")
    assert agency.may_read("agency", {"agency": "AG001"})
    assert not agency.may_read("agency", {"agency": "AG002"})
    assert not funder.may_read("agency", {"agency": "AG001"})
    assert funder.may_read("aggregate", {})
    assert agency.may_upload("AG001") and not agency.may_upload("AG002") and not funder.may_upload("AG001")
    with pytest.raises(ValueError):
        access.Viewer("x", "agency")  # an agency user must be bound to an agency
    # Refused before anything is read: there is no snapshot in this test's home at all.
    with pytest.raises(access.AccessDenied):
        access.fetch(agency, "agency.completeness", agency="AG002", quarter="2025Q1")
    with pytest.raises(access.AccessDenied):
        access.upload_history(funder, "AG001")
    with pytest.raises(access.AccessDenied):
        web.submit_extract(agency, b"", "AG002_2025Q1.xlsx", "AG002", "2025Q1", "en")


def test_queries_take_exactly_their_declared_parameters():
    with pytest.raises(TypeError):
        access.fetch(ADMIN, "outputs.agency", agency="AG001", extra="1")
    with pytest.raises(KeyError):
        access.fetch(ADMIN, "select * from raw.client_profile")
    for query in access.QUERIES.values():
        if query.scope == "agency":
            assert "agency" in query.params, query.name


def test_parameters_are_bound_not_spliced(tmp_path, monkeypatch):
    published = tmp_path / "home" / "published" / "warehouse.duckdb"
    published.parent.mkdir(parents=True)
    with duckdb.connect(str(published)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_outputs (agency_code varchar, grain varchar, period varchar)")
        con.execute("insert into marts.fct_outputs values ('AG001', 'agency', '2025Q1')")
    hostile = "AG001' or '1'='1"
    assert access.fetch(ADMIN, "outputs.agency", agency=hostile).empty
    assert len(access.fetch(ADMIN, "outputs.agency", agency="AG001")) == 1
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_outputs").fetchone()[0] == 1


def test_tables_show_a_mark_for_suppressed_cells_and_export_them_empty():
    frame = pd.DataFrame(
        {
            "group": ["a", "b"],
            "denominator": [1234, None],
            "rate": [0.5, None],
            "ci_low": [0.4, None],
            "ci_high": [0.6, None],
            "suppressed": [False, True],
        }
    )
    cols = [
        Col("group", "common.group"),
        Col("denominator", "common.denominator", "int"),
        Col("rate", "common.rate", "percent"),
        Col(("ci_low", "ci_high"), "common.interval", "interval"),
    ]
    shown, csv, marks = render_table(frame, cols, "fr")
    assert list(shown.columns) == ["Groupe", "Dénominateur", "Taux", "Intervalle à 95 %"]
    assert list(shown.iloc[0]) == ["a", "1\u00a0234", "50,0\u00a0%", "40,0\u00a0% – 60,0\u00a0%"]
    assert list(shown.iloc[1]) == ["b", "x", "x", "x"]
    assert marks == {"x"}
    assert csv.loc[0, "Dénominateur"] == 1234 and csv.loc[0, "Taux"] == 0.5
    assert pd.isna(csv.loc[1, "Dénominateur"]) and pd.isna(csv.loc[1, "Taux"])
    assert list(csv["Confidentiel"]) == [False, True]
    assert "0" not in csv.loc[1].astype(str).tolist()
