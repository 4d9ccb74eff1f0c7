"""Access to services on the sample region: fct_access_by_fsa against an independent recomputation
(tests/reference_access.py: haversine in plain Python from seeds/fsa_centroids.csv), cell for cell,
and its disclosure control: no cell under the threshold published, no suppressed FSA given back."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.reference_access import access_cells

THRESHOLD = 10
KEY = ["period", "stream_code", "breakdown", "group_code"]


@pytest.fixture(scope="module")
def published(sample_warehouse) -> dict[str, pd.DataFrame]:
    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        return {t: con.execute(f"select * from marts.{t}").df() for t in ("fct_access_by_fsa", "fct_access_gaps")}


@pytest.fixture(scope="module")
def reference(sample_warehouse):
    _, region, _ = sample_warehouse
    return access_cells(region)


@pytest.fixture(scope="module")
def merged(published, reference) -> pd.DataFrame:
    cells, _ = reference
    both = published["fct_access_by_fsa"].merge(cells, on=KEY, how="outer", indicator=True, suffixes=("", "_ref"))
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", [*KEY, "_merge"]].head().to_string()
    assert (both["community_size_code"].fillna("-") == both["community_size_code_ref"].fillna("-")).all()
    return both


def test_distances_to_the_nearest_site_equal_a_haversine_recomputation(merged, reference):
    _, nearest = reference
    fsa = merged[merged["breakdown"] == "fsa"]
    expected = [nearest[(f, s)] for f, s in zip(fsa["group_code"], fsa["stream_code"], strict=True)]
    assert list(fsa["nearest_site_code"].fillna("-")) == [site or "-" for site, _ in expected]
    km = np.array([np.nan if d is None else d for _, d in expected], dtype=float)
    assert np.allclose(fsa["nearest_site_km"].astype(float), km, rtol=0, atol=1e-6, equal_nan=True)
    # Not a vacuous comparison: the sample has FSAs beyond 25 km of some stream, and some beyond 50.
    assert (km > 25).any() and (km > 50).any() and (km == 0).any()


def test_published_counts_and_shares_equal_the_recomputation_cell_for_cell(merged):
    shown = merged[~merged["suppressed"]]
    assert len(shown) > 100
    assert (shown["clients_served"] == shown["clients"]).all()
    shares = merged[~merged["share_suppressed"]]
    assert (shares["clients_beyond_25km"] == shares["beyond_25"]).all()
    assert (shares["clients_beyond_50km"] == shares["beyond_50"]).all()
    for km in (25, 50):
        expected = shares[f"beyond_{km}"] / shares["clients"]
        assert np.allclose(shares[f"share_beyond_{km}km"], expected, rtol=0, atol=1e-12), km
    assert (shares["share_beyond_25km"] > 0).any()  # some published share says something


def test_no_cell_under_the_threshold_is_published(merged):
    small = merged[merged["clients"] < THRESHOLD]
    assert len(small[small["breakdown"] == "fsa"]) > 0  # the sample has small FSA cells to hide
    assert small["suppressed"].all() and small["clients_served"].isna().all()
    assert small["share_suppressed"].all() and small["share_beyond_25km"].isna().all()
    # A count is the same for every stream: controlled once per quarter and group.
    flags = merged.groupby(["period", "breakdown", "group_code"])["suppressed"].nunique()
    assert (flags == 1).all()


def _groups(cells: pd.DataFrame):
    """(total, parts) of every group of counts that add up, as the docs write them."""
    one = cells[cells["stream_code"] == "language_training"]
    for _period, rows in one.groupby("period"):
        total = rows[rows["breakdown"] == "all"]
        for breakdown in ("community_size", "official_language"):
            yield total, rows[rows["breakdown"] == breakdown]
        for size, parts in rows[rows["breakdown"] == "fsa"].groupby("community_size_code"):
            yield rows[(rows["breakdown"] == "community_size") & (rows["group_code"] == size)], parts


def test_no_suppressed_count_can_be_given_back_by_subtraction(merged):
    for total, parts in _groups(merged):
        members = pd.concat([total, parts])
        assert members["suppressed"].sum() != 1, members[[*KEY, "clients", "suppressed"]].to_string()
        if not total["suppressed"].iloc[0]:
            assert total["clients"].iloc[0] == parts["clients"].sum()


def test_no_published_share_gives_back_a_suppressed_fsa(merged):
    fsa = merged[merged["breakdown"] == "fsa"]
    for (period, stream), rows in merged.groupby(["period", "stream_code"]):
        parts = fsa[(fsa["period"] == period) & (fsa["stream_code"] == stream) & fsa["suppressed"]]
        for total in rows[rows["breakdown"].isin(["all", "community_size"]) & ~rows["share_suppressed"]].itertuples():
            under = parts if total.breakdown == "all" else parts[parts["community_size_code"] == total.group_code]
            for km in (25, 50):
                assert (under[f"beyond_{km}"] > 0).sum() != 1, (period, stream, total.group_code, km)


def test_the_gap_list_is_every_fsa_beyond_25_km_of_a_stream(published, reference):
    cells, nearest = reference
    expected = {(f, s) for (f, s), (_, km) in nearest.items() if km is None or km > 25}
    gaps = published["fct_access_gaps"]
    assert set(zip(gaps["residence_fsa"], gaps["stream_code"], strict=True)) == expected and expected
    latest = (
        cells[cells["breakdown"] == "fsa"]
        .sort_values("period")
        .drop_duplicates(["group_code", "stream_code"], keep="last")
    )
    latest = latest.set_index(["group_code", "stream_code"])
    for row in gaps.itertuples():
        assert row.latest_period == latest.at[(row.residence_fsa, row.stream_code), "period"]
        if not row.suppressed:
            assert row.clients_served == latest.at[(row.residence_fsa, row.stream_code), "clients"]


def test_the_directory_lists_the_sites_offering_a_stream_in_french_nearest_first(
    sample_warehouse, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from accueil.cli import cli
    from tests.raw_extracts import read_workbook
    from tests.reference_access import centroids, haversine_km
    from tests.test_dashboards import make_home

    _, region, _ = sample_warehouse
    # Links to the session's warehouse files, with a register of its own: the command's audit
    # row is written there, not in the register other workers' tests copy at the same time.
    make_home(sample_warehouse, tmp_path, monkeypatch)
    result = CliRunner().invoke(
        cli, ["directory", "--stream", "language_training", "--language", "fr", "--near", "L2S", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    got = pd.read_csv(io.StringIO(result.output))
    agencies = read_workbook(region / "agencies.xlsx")
    offered = agencies["Site services"]
    wanted = (offered["stream_id"] == "Language training") & (offered["language_id"] == "French")
    french = set(offered[wanted]["site_cd"])
    places = centroids()
    here = places["L2S"]
    sites = agencies["Sites"].set_index("site_cd")
    expected = sorted(
        (round(haversine_km(here[0], here[1], *places[sites.at[s, "site_fsa"]][:2]), 1), s) for s in french
    )
    assert french and list(got["Site"]) == [s for _, s in expected]
    assert list(got["Distance (km)"]) == [km for km, _ in expected]
    assert got["Languages"].str.contains("french").all()
    # With no FSA to measure from, no distance (not half the Earth's circumference), and by site code.
    anywhere = CliRunner().invoke(cli, ["directory", "--stream", "language_training", "--format", "csv"])
    listed = pd.read_csv(io.StringIO(anywhere.output))
    assert listed["Distance (km)"].isna().all() and list(listed["Site"]) == sorted(listed["Site"])
    unknown = CliRunner().invoke(cli, ["directory", "--stream", "language_training", "--near", "Z9Z", "--lang", "fr"])
    assert unknown.exit_code != 0 and "n'est pas une des régions de tri" in unknown.output
