"""Suppressed cells cannot be worked out from the published ones (issue 27).

The attack: a funder takes a published immigration category cell and subtracts the published
gender x immigration category cells of that category; when one of them is suppressed, the
difference is that cell.  Here the attack is written in plain pandas on the sample region's
published snapshot, and `accueil audit scan`'s linear check (accueil/access/recovery.py) is
run on it and on a copy with a leak planted.
"""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from accueil import control
from accueil.access.recovery import determined
from accueil.auth import users
from accueil.cli import cli

pytestmark = pytest.mark.usefixtures("cheap_hashes")
PASSWORD = "correct horse battery"
MARGINS = {"gender": 0, "immigration_category": 1}


def differencing_attack(rates: pd.DataFrame) -> pd.DataFrame:
    """Intersection cells given back by a published margin minus the other published cells of it."""
    cross = rates[rates["breakdown"] == "gender_x_immigration_category"].copy()
    parts = cross["breakdown_value"].str.split("|", expand=True)
    recovered = []
    for margin, column in MARGINS.items():
        cross["margin_value"] = parts[column]
        totals = rates[rates["breakdown"] == margin].rename(
            columns={"breakdown_value": "margin_value", "suppressed": "total_suppressed", "denominator": "total"}
        )[["outcome", "period", "agency_code", "margin_value", "total_suppressed", "total"]]
        for _key, group in cross.merge(totals, on=["outcome", "period", "agency_code", "margin_value"]).groupby(
            ["outcome", "period", "agency_code", "margin_value"]
        ):
            if not group["total_suppressed"].iloc[0] and group["suppressed"].sum() == 1:
                cell = group[group["suppressed"]].iloc[0]
                value = group["total"].iloc[0] - group.loc[~group["suppressed"], "denominator"].sum()
                recovered.append(
                    {**cell[["outcome", "period", "agency_code", "breakdown_value"]], "denominator": value}
                )
    return pd.DataFrame(recovered)


def _rates(path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select * from marts.fct_outcome_rates").df()


@pytest.fixture
def leaky_home(sample_warehouse, tmp_path, monkeypatch):
    """A copy of the sample snapshot in which one complementary-suppressed cell is published
    with its true figures, as a mart without the margins groups would: a category with two
    suppressed intersection cells, one of them at least 10 clients with no small numerator."""
    source = sample_warehouse[0]
    home = tmp_path / "leaky"
    (home / "published").mkdir(parents=True)
    shutil.copy2(source / "published" / "warehouse.duckdb", home / "published" / "warehouse.duckdb")
    shutil.copy2(source / "control.sqlite", home / "control.sqlite")
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    with duckdb.connect(str(source / "warehouse.duckdb"), read_only=True) as admin:
        truth = admin.execute("select * from intermediate.int_outcome_cells").df()
    rates = _rates(home / "published" / "warehouse.duckdb")
    cross = rates[(rates["breakdown"] == "gender_x_immigration_category") & (rates["agency_code"] != "ALL")].copy()
    cross["category"] = cross["breakdown_value"].str.split("|").str[1]
    published_categories = rates.loc[
        (rates["breakdown"] == "immigration_category") & ~rates["suppressed"],
        ["outcome", "period", "agency_code", "breakdown_value"],
    ].rename(columns={"breakdown_value": "category"})
    cross = cross.merge(published_categories, on=["outcome", "period", "agency_code", "category"])
    hidden = (
        cross[cross["suppressed"]]
        .groupby(["outcome", "period", "agency_code", "category"])
        .filter(lambda g: len(g) == 2)
    )
    candidates = hidden.merge(
        truth, on=["outcome", "period", "agency_code", "breakdown", "breakdown_value"], suffixes=("", "_true")
    )
    candidates = candidates[
        (candidates["denominator_true"] >= 10)
        & ((candidates["numerator_true"] == 0) | (candidates["numerator_true"] >= 10))
        & (candidates["unit"] == "proportion")
    ]
    assert not candidates.empty, "the sample has no cell to plant the leak with"
    leak = candidates.iloc[0]
    with duckdb.connect(str(home / "published" / "warehouse.duckdb")) as con:
        con.execute(
            "update marts.fct_outcome_rates set suppressed = false, numerator = ?, denominator = ?, rate = ?,"
            " ci_low = ?, ci_high = ? where outcome = ? and period = ? and agency_code = ? and breakdown = ?"
            " and breakdown_value = ?",
            [
                int(leak["numerator_true"]),
                int(leak["denominator_true"]),
                float(leak["rate_true"]),
                float(leak["ci_low_true"]),
                float(leak["ci_high_true"]),
                leak["outcome"],
                leak["period"],
                leak["agency_code"],
                leak["breakdown"],
                leak["breakdown_value"],
            ],
        )
    with control.connect() as ctl:
        users.add(ctl, "test", "root", "admin", None, PASSWORD)
    return home, leak, truth


def test_the_differencing_attack_recovers_nothing_from_the_sample(sample_warehouse):
    rates = _rates(sample_warehouse[0] / "published" / "warehouse.duckdb")
    assert rates["suppressed"].sum() > 1000  # there is something to attack
    assert differencing_attack(rates).empty


def test_no_published_cell_reveals_a_small_complement_or_a_whole_small_group(sample_warehouse):
    """Issue 26: 10 of 19 says 9 did not; 0 of 15 and 15 of 15 say it of everyone."""
    rates = _rates(sample_warehouse[0] / "published" / "warehouse.duckdb")
    shown = rates[~rates["suppressed"] & (rates["unit"] == "proportion")]
    complement = shown["denominator"] - shown["numerator"]
    assert not complement.between(1, 9).any()
    whole = (shown["numerator"].isin([0]) | (complement == 0)) & (shown["denominator"] < 20)
    assert not whole.any()
    # The rule has work to do in the sample: cells of 10 to 19 exist before disclosure control.
    with duckdb.connect(str(sample_warehouse[0] / "warehouse.duckdb"), read_only=True) as admin:
        (mid,) = admin.execute(
            "select count(*) from intermediate.int_outcome_cells where unit = 'proportion'"
            " and denominator between 10 and 19"
        ).fetchone()
    assert mid > 100
    medians = rates[~rates["suppressed"] & (rates["unit"] == "days")]
    assert medians.loc[medians["denominator"] < 20, ["ci_low", "ci_high"]].isna().all().all()
    assert medians.loc[medians["denominator"] >= 20, ["ci_low", "ci_high"]].notna().all().all()


def test_the_audit_scan_finds_nothing_to_give_back_in_the_sample(sample_warehouse, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "published").symlink_to(sample_warehouse[0] / "published")
    shutil.copy2(sample_warehouse[0] / "control.sqlite", home / "control.sqlite")
    monkeypatch.setenv("ACCUEIL_HOME", str(home))
    with control.connect() as ctl:
        users.add(ctl, "test", "root", "admin", None, PASSWORD)
    result = CliRunner().invoke(cli, ["audit", "scan"])
    assert result.exit_code == 0, result.output
    assert "no suppressed cell that the published cells of its table give back" in result.output


def test_a_planted_leak_is_given_back_by_the_attack_and_caught_by_the_scan(leaky_home):
    home, _leak, truth = leaky_home
    recovered = differencing_attack(_rates(home / "published" / "warehouse.duckdb"))
    assert not recovered.empty
    # The attack gives the other hidden cell of the category its true number of clients.
    merged = recovered.merge(truth, on=["outcome", "period", "agency_code", "breakdown_value"])
    merged = merged[merged["breakdown"] == "gender_x_immigration_category"]
    assert (merged["denominator_x"] == merged["denominator_y"]).all() and len(merged) >= 1
    result = CliRunner().invoke(cli, ["audit", "scan"])
    assert result.exit_code == 1, result.output
    assert "fct_outcome_rates:" in result.output and "give back" in result.output


def test_the_linear_check_finds_a_cell_that_no_single_sum_gives_back():
    """Rows and columns of a 2 x 3 table, each with two hidden cells or more, can still fix a
    cell that lies on no cycle of hidden cells: here x[0,2] (the bridge between two cycles)."""
    # Cells 0-5: a 2 x 3 table; 6-7 row totals; 8-10 column totals (all published).
    rows = [([0, 1, 2], 6), ([3, 4, 5], 7)]
    columns = [([0, 3], 8), ([1, 4], 9), ([2, 5], 10)]
    unknown = np.zeros(11, dtype=bool)
    unknown[[0, 1, 3, 4]] = True  # a rectangle: nothing is fixed
    assert determined(rows + columns, unknown) == []
    unknown[2] = True  # row 0 now has three hidden cells, but column 2 only one: fixed
    assert determined(rows + columns, unknown) == [2]
    unknown[5] = True  # column 2 has two: x[0,2] and x[1,2] lie on a cycle
    assert determined(rows + columns, unknown) == []
