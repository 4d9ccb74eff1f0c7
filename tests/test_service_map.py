"""The service map page (dashboards/views/service_map.py), run by Streamlit's AppTest on the sample's snapshot:
every role has it, in English and French; its directory gives the answer `accueil directory` gives."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from accueil.cli import cli
from tests.test_dashboards import USERS, captions, choose, make_home, open_page, snapshot, table

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def home(sample_warehouse, tmp_path, monkeypatch):
    return make_home(sample_warehouse, tmp_path, monkeypatch)


def test_the_map_lists_sites_clients_and_gaps_as_the_snapshot_holds_them(home):
    at = open_page("service_map")
    assert at.title[0].value == "Service map"
    chart = at.get("vega_lite_chart")
    assert len(chart) == 1 and "mercator" in chart[0].proto.spec  # Vega-Lite, a projection, no tiles
    sites = snapshot(home, "select site_code from marts.dim_site where offers_language_training order by 1")
    assert sorted(table(at, "Site", "Agency", "Languages")["Site"]) == list(sites["site_code"])
    period = snapshot(home, "select max(period) as p from marts.fct_access_by_fsa")["p"].iloc[0]
    cells = snapshot(
        home,
        "select group_code, suppressed, clients_served from marts.fct_access_by_fsa"
        " where period = ? and stream_code = 'language_training' and breakdown = 'fsa'",
        period,
    ).set_index("group_code")
    shown = table(at, "FSA", "Clients", "Nearest site").set_index("FSA")
    assert set(shown.index) == set(cells.index)
    for fsa, row in cells.iterrows():
        expected = "x" if row["suppressed"] else f"{int(row['clients_served']):,}"
        assert shown.at[fsa, "Clients"] == expected, fsa
    gaps = snapshot(home, "select residence_fsa from marts.fct_access_gaps where stream_code = 'language_training'")
    assert set(table(at, "FSA", "Place", "Latest quarter")["FSA"]) == set(gaps["residence_fsa"])
    assert "suppressed" in captions(at) or not cells["suppressed"].any()
    assert len(at.get("download_button")) >= 5  # one CSV under every table


def test_the_directory_on_the_page_gives_the_commands_answer(home):
    at = open_page("service_map")
    choose(at, "m_language", "french")
    at.text_input(key="m_near").input("L2S").run()
    assert not at.exception and not at.error
    page = table(at, "Site", "Distance (km)")
    result = CliRunner().invoke(
        cli, ["directory", "--stream", "language_training", "--language", "fr", "--near", "L2S", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    command = pd.read_csv(io.StringIO(result.output))
    assert len(command) > 0 and list(page["Site"]) == list(command["Site"])
    assert [float(d) for d in page["Distance (km)"]] == list(command["Distance (km)"])
    assert list(command["Distance (km)"]) == sorted(command["Distance (km)"])
    at.text_input(key="m_near").input("Z9Z").run()
    assert "forward sortation areas" in at.error[0].value and "Z9Z" in at.error[0].value


@pytest.mark.parametrize("user", list(USERS))
def test_every_role_has_the_map_in_french(home, user):
    at = open_page("service_map", lang="fr", user=user)
    assert at.title[0].value == "Carte des services"
    assert not at.error
    assert len(table(at, "Point de service", "Organisme")) > 0
    assert not table(at, "RTA", "Clients").empty
