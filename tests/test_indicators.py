"""Welcoming-community indicators: the catalogue, the council's files, and the progress mart.

The mart tests load files through the real door and run the real pipeline (`run_build`) on a
copy of the session's sample warehouse, so the sample region is built once per session.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from accueil.indicators.catalogue import catalogue, characteristics, default_baselines
from accueil.indicators.submit import staged_dir, submit_baselines, submit_observations
from accueil.quarters import Quarter
from tests.reference_indicators import computed_indicators

HEADER = "indicator_code,geography_code,period,value,unit,denominator,margin_of_error,source_note\n"
REQUIRED_COMPUTED = {
    "sense_of_belonging",
    "employment_at_followup",
    "language_gain_any",
    "referral_completion_90d",
    "service_reach",
    "small_rural_served_in_arrival_quarter",
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---- the catalogue ---------------------------------------------------------------------------------------


def test_catalogue_covers_every_characteristic_in_both_languages():
    cat = catalogue()
    assert len(cat) >= 25 and cat.index.is_unique
    assert set(cat["characteristic_number"]) == set(range(1, 18)) == set(characteristics().index)
    for column in ("name_en", "name_fr", "definition_en", "definition_fr", "source_en", "source_fr"):
        assert (cat[column].str.strip() != "").all(), column
    assert (cat["name_en"] != cat["name_fr"]).sum() > 20  # translated, not copied
    assert set(cat["direction"]) == {"higher_is_better", "lower_is_better"}
    assert set(cat["unit"]) <= {"percent", "rate_per_100k", "count", "ratio", "days", "points"}
    computed = cat[cat["computed_by"] == "warehouse"]
    assert set(computed["warehouse_measure"]) >= REQUIRED_COMPUTED
    assert (cat.loc[cat["computed_by"] == "observation", "warehouse_measure"] == "").all()
    assert (cat["comparison_group_en"] != "").sum() >= 10
    baselines = default_baselines()
    assert set(baselines["indicator_code"]) <= set(cat.index)


def test_indicator_docs_are_generated_from_the_catalogue():
    from accueil.indicators.docs import render

    page = (Path(__file__).resolve().parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert page == render()
    for code, row in catalogue().iterrows():
        assert f"`{code}`: {row['name_en']} / {row['name_fr']}" in page


# ---- the door --------------------------------------------------------------------------------------------


def test_a_bad_observations_file_is_rejected_whole_and_nothing_is_loaded(tmp_path):
    import duckdb

    from accueil import config
    from accueil.indicators.warehouse import load_pending

    bad = _write(
        tmp_path / "bad.csv",
        HEADER
        + "imm_retention_5yr,REGION,2021,80.5,percent,,,fine row\n"
        + "no_such_indicator,REGION,2021,3,percent,,,\n"
        + "hate_crimes_per_100k,REGION,2022,5.1,percent,480000,,\n"  # wrong unit
        + "citizenship_rate,REGION,2021-22,80,percent,,,\n"  # bad period
        + "citizenship_rate,REGION,2016,82,percent,,,\n"
        + "citizenship_rate,REGION,2016,83,percent,,,\n"  # duplicate
        + "client_belonging,REGION,2024Q1,55,percent,,,\n"  # computed by the warehouse
        + "citizenship_rate,ATLANTIS,2021,80,percent,,,\n"
        + "imm_retention_5yr,REGION,2016,120,percent,,,\n",
    )
    submission = submit_observations(bad, user="test")
    assert not submission.accepted and submission.upload.status == "rejected"
    problems = {(p.rule, p.row) for p in submission.outcome.report.errors}
    assert problems == {
        ("indicator_unknown", 3),
        ("unit_mismatch", 4),
        ("period_format", 5),
        ("duplicate_observation", 7),
        ("indicator_computed", 8),
        ("geography_unknown", 9),
        ("value_out_of_range", 10),
    }
    assert not staged_dir(submission.upload.upload_id).exists()
    text = Path(submission.upload.report_html).read_text(encoding="utf-8")
    assert "no_such_indicator" in text and "2021-22" in text
    with duckdb.connect(str(config.warehouse_path())) as con:
        assert load_pending(con) == []
        assert con.execute("select count(*) from raw.indicator_observations").fetchone()[0] == 0
    with sqlite3.connect(config.home() / "control.sqlite") as con:
        actions = [r[0] for r in con.execute("select action from audit_log order by audit_id")]
    assert actions == ["upload_received", "upload_rejected"]


def test_a_french_workbook_with_a_title_row_is_accepted_and_the_same_bytes_twice_is_a_no_op(tmp_path):
    path = tmp_path / "observations.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Observations")
    sheet.write_row(0, 0, ["Données d'exemple"])
    sheet.write_row(1, 0, ["Code de l'indicateur", "Géographie", "Période", "Valeur", "Unité", "Marge d'erreur (95 %)"])
    sheet.write_row(2, 0, ["recent_imm_unemployment_rate", "region", "2024 q3", 9.5, "percent", 1.5])
    sheet.write_row(3, 0, ["lip_partner_organisations", "REGION", 2024, 41, "count", None])
    book.close()
    first = submit_observations(path, user="test", lang="fr")
    assert first.accepted, [p.text("en") for p in first.outcome.report.errors]
    staged = pd.read_parquet(staged_dir(first.upload.upload_id) / "indicator_observations.parquet")
    assert list(staged["period"]) == ["2024Q3", "2024"] and list(staged["geography_code"]) == ["REGION", "REGION"]
    assert list(staged["row_number"]) == [3, 4]
    again = submit_observations(path, user="test")
    assert again.duplicate and again.upload.upload_id == first.upload.upload_id


def test_a_baselines_file_is_checked_like_an_observations_file(tmp_path):
    bad = _write(
        tmp_path / "baselines.csv",
        "indicator_code,geography_code,baseline_period,target_value,target_date\n"
        "client_belonging,REGION,2024,70,2027-12-31\n"  # computed indicators are quarterly
        "citizenship_rate,REGION,sixteen,,\n"
        "citizenship_rate,ON,2016,90,31/12/2027\n"
        "imm_retention_5yr,REGION,2016,,\n"
        "imm_retention_5yr,REGION,2021,,\n",
    )
    submission = submit_baselines(bad, user="council")
    assert not submission.accepted
    assert {(p.rule, p.row) for p in submission.outcome.report.errors} == {
        ("period_granularity", 2),
        ("period_format", 3),
        ("type_date", 4),
        ("duplicate_observation", 6),
    }


# ---- the warehouse ---------------------------------------------------------------------------------------

# Hand-made observations for Ontario: each row exercises one rule of the progress mart.
TEST_OBSERVATIONS = (
    HEADER
    # lower is better, with margins: 20 -> 15 (combined margin 1.41) is an improvement
    + "reported_discrimination,ON,2022,20,percent,,1,test\n"
    + "reported_discrimination,ON,2024,15,percent,,1,test\n"
    # lower is better, no margin: 10 -> 13 is beyond the tolerance of 1: worsened
    + "core_housing_need_recent_imm,ON,2016,10,percent,,,test\n"
    + "core_housing_need_recent_imm,ON,2021,13,percent,,,test\n"
    # higher is better: +4 is above the tolerance (3) but within the combined margin (5.66)
    + "belonging_recent_immigrants,ON,2022,50,percent,,4,test\n"
    + "belonging_recent_immigrants,ON,2024,54,percent,,4,test\n"
    # no baseline set for this indicator and geography
    + "imm_volunteering_rate,ON,2022,30,percent,,2,test\n"
    # a denominator under the threshold: suppressed
    + "newcomer_recreation_use,ON,2024,50,percent,8,,test\n"
    # to be corrected by the next file
    + "citizenship_rate,ON,2021,70,percent,,,first estimate\n"
)
CORRECTION = HEADER + "citizenship_rate,ON,2021,72.5,percent,,,revised estimate\n"
TEST_BASELINES = (
    "indicator_code,geography_code,baseline_period,target_value,target_date,note\n"
    "reported_discrimination,ON,2022,10,2030-12-31,test\n"
    "core_housing_need_recent_imm,ON,2016,,,test\n"
    "belonging_recent_immigrants,ON,2022,,,test\n"
    "newcomer_recreation_use,ON,2024,,,test\n"
    "citizenship_rate,ON,2021,,,test\n"
    # a changed default: REGION's unemployment baseline moves from 2022 to 2023
    "recent_imm_unemployment_rate,REGION,2023,8,2028-12-31,moved by the council\n"
)


@pytest.fixture(scope="module")
def indicator_home(sample_warehouse, tmp_path_factory):
    """A copy of the sample warehouse, then the sample observations, the test files, and one build."""
    from orchestration.build import run_build

    home, region, truth = sample_warehouse
    copy = tmp_path_factory.mktemp("indicators") / "home"
    shutil.copytree(home, copy)
    files = tmp_path_factory.mktemp("indicator-files")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(copy))
        uploads = {}
        for name, path, submit in (
            ("sample", region / "indicator_observations_ILLUSTRATIVE.csv", submit_observations),
            ("test", _write(files / "ontario.csv", TEST_OBSERVATIONS), submit_observations),
            ("correction", _write(files / "correction.csv", CORRECTION), submit_observations),
            ("baselines", _write(files / "baselines.csv", TEST_BASELINES), submit_baselines),
        ):
            submission = submit(path, user="council-clerk" if name == "baselines" else "test")
            assert submission.accepted, [p.text("en") for p in submission.outcome.report.errors]
            uploads[name] = submission.upload.upload_id
        summary = run_build()
    assert sorted(summary.indicator_files) == sorted(uploads.values())
    return copy, region, truth, uploads


@pytest.fixture(scope="module")
def progress(indicator_home) -> pd.DataFrame:
    home = indicator_home[0]
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from marts.fct_indicator_progress").df()


def _row(progress: pd.DataFrame, code: str, geography: str, period: str) -> pd.Series:
    rows = progress[
        (progress["indicator_code"] == code)
        & (progress["geography_code"] == geography)
        & (progress["period"] == period)
    ]
    assert len(rows) == 1, (code, geography, period)
    return rows.iloc[0]


def test_every_computed_indicator_matches_the_independent_recomputation(
    indicator_home, progress, sample_reference_rates
):
    _, region, truth, _ = indicator_home
    data_end = pd.Timestamp(Quarter.parse(truth["quarters"][-1]).end)
    rates = pd.read_pickle(sample_reference_rates)
    reference = computed_indicators(region, region / "indicator_observations_ILLUSTRATIVE.csv", data_end, 10, rates)
    mine = progress[progress["computed_by"] == "warehouse"]
    key = ["indicator_code", "geography_code", "period"]
    merged = mine.merge(reference, on=key, how="outer", suffixes=("", "_ref"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    assert only.empty, only[[*key, "_merge"]].to_string()
    assert set(merged["indicator_code"]) == set(catalogue().query("computed_by == 'warehouse'").index)
    assert (merged["suppressed"] == merged["suppressed_ref"]).all()
    for column in ("value", "ci_low", "ci_high", "denominator"):
        assert np.allclose(
            merged[column].astype(float), merged[f"{column}_ref"].astype(float), rtol=0, atol=1e-9, equal_nan=True
        ), column
    shown = merged[~merged["suppressed"]]
    assert len(shown) > 50 and merged["suppressed"].any()
    reach = shown[shown["indicator_code"] == "service_reach"]
    assert len(reach) == len(truth["quarters"]) and reach["value"].between(0.2, 2).all()


def test_lower_is_better_turns_a_fall_into_an_improvement_and_a_rise_into_a_worsening(progress):
    fall = _row(progress, "reported_discrimination", "ON", "2024")
    assert fall["direction"] == "lower_is_better" and fall["change_since_baseline"] == pytest.approx(-5)
    assert fall["status"] == "improved"
    assert fall["progress_to_target_pct"] == pytest.approx(50)  # from 20 toward 10, half way
    rise = _row(progress, "core_housing_need_recent_imm", "ON", "2021")
    assert rise["status"] == "worsened" and rise["change_threshold_basis"] == "change_tolerance"


def test_a_change_within_the_margin_of_error_is_no_clear_change(progress):
    row = _row(progress, "belonging_recent_immigrants", "ON", "2024")
    tolerance = catalogue().at["belonging_recent_immigrants", "change_tolerance"]
    assert row["change_since_baseline"] == pytest.approx(4)
    assert row["change_since_baseline"] > tolerance  # a bare difference would say improved
    assert row["change_threshold"] == pytest.approx(np.sqrt(32))
    assert row["status"] == "no_clear_change"


def test_a_missing_baseline_is_reported_as_such(progress):
    no_row = progress[(progress["indicator_code"] == "imm_volunteering_rate") & (progress["geography_code"] == "ON")]
    assert list(no_row["status"]) == ["no_baseline"] and no_row["baseline_period"].isna().all()
    media = progress[
        (progress["indicator_code"] == "favourable_media_coverage") & (progress["geography_code"] == "REGION")
    ]
    assert len(media) == 4 and (media["status"] == "no_baseline").all()
    suppressed = _row(progress, "newcomer_recreation_use", "ON", "2024")
    assert suppressed["suppressed"] and pd.isna(suppressed["value"]) and pd.isna(suppressed["denominator"])
    assert suppressed["status"] == "no_baseline"  # its own baseline is the suppressed value


def test_a_corrected_observation_supersedes_the_earlier_one_which_stays_in_the_history(indicator_home, progress):
    home, _, _, uploads = indicator_home
    row = _row(progress, "citizenship_rate", "ON", "2021")
    assert row["value"] == pytest.approx(72.5) and row["version"] == 2 and row["source_note"] == "revised estimate"
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        history = con.execute(
            "select version, value, is_current, upload_id, superseded_by_upload_id "
            "from marts.fct_indicator_observation_history "
            "where indicator_code = 'citizenship_rate' and geography_code = 'ON' and period = '2021' order by version"
        ).fetchall()
    assert history == [
        (1, 70.0, False, uploads["test"], uploads["correction"]),
        (2, 72.5, True, uploads["correction"], None),
    ]


def test_baseline_changes_are_in_the_audit_log(indicator_home, progress):
    home, _, _, uploads = indicator_home
    with sqlite3.connect(home / "control.sqlite") as con:
        changes = con.execute(
            "select actor, target, detail from audit_log where action = 'indicator_baseline_changed' order by audit_id"
        ).fetchall()
    by_target = {}
    for actor, target, detail in changes:
        by_target.setdefault(target, []).append((actor, json.loads(detail)))
    # The first build recorded the seed's defaults; the council's file changed one and added five.
    first, *later = by_target["indicator:recent_imm_unemployment_rate/REGION"]
    assert first[0] == "seed" and first[1]["before"] is None and first[1]["after"]["baseline_period"] == "2022"
    assert [
        (actor, d["before"]["baseline_period"], d["after"]["baseline_period"], d["upload"]) for actor, d in later
    ] == [("council-clerk", "2022", "2023", uploads["baselines"])]
    assert by_target["indicator:reported_discrimination/ON"][-1][0] == "council-clerk"
    untouched = by_target["indicator:citizenship_rate/REGION"]
    assert len(untouched) == 1 and untouched[0][0] == "seed"
    moved = _row(progress, "recent_imm_unemployment_rate", "REGION", "2025")
    assert moved["baseline_period"] == "2023" and moved["target_value"] == 8
