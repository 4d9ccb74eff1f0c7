"""The outcome rates of the warehouse, checked against an independent recomputation and the planted truth."""

from __future__ import annotations

import math
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from accueil import config
from accueil.quarters import Quarter

KEY = ["outcome", "period", "agency_code", "breakdown", "breakdown_value"]


@pytest.fixture(scope="module")
def rates(sample_warehouse) -> pd.DataFrame:
    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from marts.fct_outcome_rates").df()


@pytest.fixture(scope="module")
def reference(sample_reference_rates) -> pd.DataFrame:
    return pd.read_pickle(sample_reference_rates)


def test_every_outcome_rate_matches_the_independent_recomputation(rates, reference):
    assert len(rates) > 1000
    merged = rates.merge(reference, on=KEY, how="outer", suffixes=("", "_ref"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    assert only.empty, only[[*KEY, "_merge"]].head(20).to_string()
    for flag, size in (("suppressed", "denominator"), ("coverage_suppressed", "eligible")):
        assert (merged[flag] == merged[f"{flag}_ref"]).all(), merged.loc[
            merged[flag] != merged[f"{flag}_ref"], [*KEY, size, f"{size}_ref"]
        ].head(20)
    for column in ("numerator", "denominator", "eligible"):
        both = merged[[column, f"{column}_ref"]].astype(float)
        assert np.array_equal(both[column].to_numpy(), both[f"{column}_ref"].to_numpy(), equal_nan=True), column
    for column in ("rate", "ci_low", "ci_high", "coverage"):
        assert np.allclose(
            merged[column].astype(float), merged[f"{column}_ref"].astype(float), rtol=0, atol=1e-12, equal_nan=True
        ), column
    assert set(rates["outcome"]) == set(reference["outcome"]) and len(set(rates["outcome"])) == 40
    assert rates["suppressed"].any() and (~rates["suppressed"]).any()
    # coverage is withheld beyond the rate in some cells, and under 1 in many of those shown
    assert (rates["coverage_suppressed"] & ~rates["suppressed"]).any()
    assert (rates["coverage"] < 1).sum() > 100 and (rates["coverage"] < 0.5).any()


def _cell(rates: pd.DataFrame, outcome: str, breakdown: str, value: str) -> pd.Series:
    row = rates[
        (rates["outcome"] == outcome)
        & (rates["period"] == "all")
        & (rates["agency_code"] == "ALL")
        & (rates["breakdown"] == breakdown)
        & (rates["breakdown_value"] == value)
    ]
    assert len(row) == 1, (outcome, breakdown, value)
    return row.iloc[0]


PLANTED = [
    # (outcome, truth.json path, breakdown, breakdown value)
    ("language_gain_any", ("language_gain_any", "by_immigration_group", "refugee"), "target_group", "refugees"),
    ("language_gain_any", ("language_gain_any", "by_immigration_group", "all"), "all", "all"),
    ("employment_at_followup", ("employment_at_followup", "by_gender", "woman"), "gender", "woman"),
    ("employment_at_followup", ("employment_at_followup", "by_gender", "man"), "gender", "man"),
    ("employment_at_followup", ("employment_at_followup", "by_gender", "all"), "all", "all"),
    (
        "referral_completion_90d",
        ("referral_completion_90d", "by_official_language", "english"),
        "official_language",
        "english",
    ),
    (
        "referral_completion_90d",
        ("referral_completion_90d", "by_official_language", "french"),
        "official_language",
        "french",
    ),
    ("referral_completion_90d", ("referral_completion_90d", "by_official_language", "all"), "all", "all"),
    ("sense_of_belonging", ("sense_of_belonging_strong", "by_community_connections", "all"), "all", "all"),
]


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p, denom = x / n, 1 + z * z / n
    centre, half = (p + z * z / (2 * n)) / denom, z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def test_planted_rates_are_recovered_within_their_intervals(rates, sample_warehouse):
    """Each planted group: the warehouse counts exactly the clients the generator planted for, and its
    95% interval holds the planted rate, allowing for chance: with nine groups, about one seed in
    three has a group just outside its 95% interval, so every group must lie inside its
    family-wise (Bonferroni, z = 2.77) interval and at most one outside its plain 95% one."""
    _, _, truth = sample_warehouse
    outside = []
    for outcome, (section, group, key), breakdown, value in PLANTED:
        planted = truth["planted"][section][group][key]
        cell = _cell(rates, outcome, breakdown, value)
        if outcome == "referral_completion_90d":
            # the generator plants completion for every referral: to partners and within the agency
            internal = _cell(rates, "internal_referral_completion_90d", breakdown, value)
            cell = cell.copy()
            for column in ("numerator", "denominator"):
                cell[column] += internal[column]
            cell["ci_low"], cell["ci_high"] = _wilson(int(cell["numerator"]), int(cell["denominator"]), 1.96)
            cell["rate"] = cell["numerator"] / cell["denominator"]
        assert cell["denominator"] == planted["n"], (outcome, value, cell["denominator"], planted["n"])
        low, high = _wilson(int(cell["numerator"]), int(cell["denominator"]), 2.77)
        assert low <= planted["expected_rate"] <= high, (outcome, value, cell["rate"], planted)
        if not cell["ci_low"] <= planted["expected_rate"] <= cell["ci_high"]:
            outside.append((outcome, value, round(cell["rate"], 4), planted["expected_rate"]))
    assert len(outside) <= 1, outside


def _voice_and_needs_planted(truth: dict) -> list[tuple[str, dict]]:
    planted = truth["planted"]
    groups = [("needs_met", planted["needs_met"]["all"]["all"])]
    groups += [(f"needs_met_{need}", g["all"]) for need, g in planted["needs_met"]["by_need"].items()]
    voice = planted["client_voice"]
    groups += [
        ("satisfied_with_services", voice["satisfied"]),
        ("would_recommend", voice["would_recommend"]),
        ("has_people_to_turn_to", voice["people_to_turn_to"]["all"]),
    ]
    for stream, g in planted["served_in_french"]["by_stream"].items():
        groups.append(("served_in_french" if stream == "all" else f"served_in_french_{stream}", g))
    return groups


def test_needs_met_client_voice_and_french_service_recover_the_planted_rates(rates, sample_warehouse):
    """Issue 20: for every need, the three follow-up questions and French-language service (overall
    and per stream), the region's cell counts exactly the units the generator planted for, and its
    interval holds the planted rate: every one inside its family-wise interval (Bonferroni over the
    25 groups, z = 3.1), at most two outside their plain 95% ones."""
    _, _, truth = sample_warehouse
    groups = _voice_and_needs_planted(truth)
    assert len(groups) == 25
    outside = []
    for outcome, planted in groups:
        cell = _cell(rates, outcome, "all", "all")
        assert not cell["suppressed"], outcome
        assert cell["denominator"] == planted["n"], (outcome, cell["denominator"], planted["n"])
        low, high = _wilson(int(cell["numerator"]), int(cell["denominator"]), 3.1)
        assert low <= planted["expected_rate"] <= high, (outcome, cell["rate"], planted)
        if not cell["ci_low"] <= planted["expected_rate"] <= cell["ci_high"]:
            outside.append((outcome, round(cell["rate"], 4), planted["expected_rate"]))
    assert len(outside) <= 2, outside
    # The planted differences are there to be found: housing and health are met less often than
    # language, and francophones are served in French far less often than not.
    rate = {o: _cell(rates, o, "all", "all")["rate"] for o, _ in groups}
    assert rate["needs_met_housing"] < rate["needs_met_language"] - 0.2
    assert rate["needs_met_health"] < rate["needs_met_language"] - 0.2
    assert rate["served_in_french"] < 0.5


def test_referrals_to_partners_and_within_agencies_add_up_to_every_referral(sample_warehouse):
    """The two referral measures split one: in every quarter x agency cell (and its totals), their
    referrals and completions add up to those of every referral, counted here from the raw extracts
    without the split (the measure as it was before issue 22)."""
    home, region, truth = sample_warehouse
    from tests.raw_extracts import read_region
    from tests.reference_measures import referral_records

    every = referral_records(read_region(str(region)), pd.Timestamp(Quarter.parse(truth["quarters"][-1]).end))
    every = every.assign(period=every["date"].dt.to_period("Q").astype(str))
    expected = []
    for period_all in (False, True):
        for agency_all in (False, True):
            frame = every.assign(
                period="all" if period_all else every["period"], agency="ALL" if agency_all else every["agency"]
            )
            expected.append(
                frame.groupby(["period", "agency"]).agg(numerator=("hit", "sum"), denominator=("unit", "size"))
            )
    expected = pd.concat(expected).rename_axis(["period", "agency_code"]).sort_index()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        split = con.execute(
            "select outcome, period, agency_code, numerator, denominator from intermediate.int_outcome_cells"
            " where outcome like '%referral_completion_90d' and breakdown = 'all'"
        ).df()
    assert set(split["outcome"]) == {"referral_completion_90d", "internal_referral_completion_90d"}
    internal = split[split["outcome"] == "internal_referral_completion_90d"]
    assert internal["denominator"][internal["agency_code"].eq("ALL") & internal["period"].eq("all")].iloc[0] > 100
    summed = split.groupby(["period", "agency_code"])[["numerator", "denominator"]].sum().sort_index()
    assert len(expected) > 50
    pd.testing.assert_frame_equal(summed.astype(int), expected.astype(int), check_like=True)


def test_nonresponse_adjusted_employment_rate_holds_the_planted_rate(rates, sample_warehouse):
    """The generator plants a follow-up response that depends on gender and refugee status, so the
    clients reached are not like those the measure could speak for: the plain rate's planted
    expectation is above that of every eligible client.  The adjusted rate's 95% interval holds the
    rate planted for every eligible client; it is published beside the plain one and is wider."""
    _, _, truth = sample_warehouse
    planted = truth["planted"]["employment_at_followup"]
    eligible, reached = planted["eligible"], planted["by_gender"]["all"]
    assert reached["expected_rate"] - eligible["expected_rate"] > 0.015, planted  # the planted bias
    plain = _cell(rates, "employment_at_followup", "all", "all")
    adjusted = _cell(rates, "employment_at_followup_adjusted", "all", "all")
    assert not adjusted["suppressed"] and not adjusted["coverage_suppressed"]
    assert adjusted["eligible"] == plain["eligible"] == eligible["n"]
    assert adjusted["denominator"] == plain["denominator"] == reached["n"]
    assert adjusted["ci_low"] <= eligible["expected_rate"] <= adjusted["ci_high"], (adjusted, eligible)
    assert adjusted["ci_high"] - adjusted["ci_low"] > plain["ci_high"] - plain["ci_low"]
    print(
        f"plain {plain['rate']:.4f} [{plain['ci_low']:.4f}, {plain['ci_high']:.4f}] n={plain['denominator']};"
        f" adjusted {adjusted['rate']:.4f} [{adjusted['ci_low']:.4f}, {adjusted['ci_high']:.4f}];"
        f" planted eligible {eligible['expected_rate']} (n={eligible['n']}), planted reached {reached['expected_rate']}"
    )


@pytest.mark.parametrize("label,code", [("Government-assisted refugee", "gar"), ("Economic immigrant", "economic")])
def test_planted_median_days_to_first_service_is_inside_the_interval(rates, sample_warehouse, label, code):
    _, _, truth = sample_warehouse
    planted = truth["planted"]["median_days_arrival_to_first_service"]["by_immigration_category"][code]
    cell = _cell(rates, "days_arrival_to_first_service", "immigration_category", code)
    assert cell["ci_low"] <= planted <= cell["ci_high"], (label, cell["rate"], planted)
    assert math.isfinite(cell["rate"])


def test_published_snapshot_opens_read_only_while_the_warehouse_is_held_by_a_writer(sample_warehouse, tmp_path):
    # A copy of the working warehouse beside links to the snapshot: the session's own is read
    # by other workers' tests at the same time, and a writer would lock them out.
    source, _, _ = sample_warehouse
    home = tmp_path / "writer-home"
    home.mkdir()
    (home / "published").symlink_to(source / "published")
    shutil.copy2(source / "warehouse.duckdb", home / "warehouse.duckdb")
    writer = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as reader:
            assert reader.execute("select count(*) from marts.fct_outcome_rates").fetchone()[0] > 0
    finally:
        writer.close()
    assert config.home() not in (home, source)  # tests never touch each other's homes


@pytest.fixture(scope="module")
def dbt_folder(sample_warehouse, tmp_path_factory):
    """A copy of the sample's working warehouse (dbt's own: the published snapshot holds only its marts
    and reference tables) and a target folder, for the module's dbt commands, which only read it.
    One copy at one path, so that dbt parses the project once: its partial parse is thrown away
    when the warehouse's path changes."""
    folder = tmp_path_factory.mktemp("dbt")
    (folder / "copy.duckdb").write_bytes((sample_warehouse[0] / "warehouse.duckdb").read_bytes())
    return folder


def _dbt(folder, *args: str):
    """A dbt command on the module's copy of the warehouse (`dbt_folder`)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    warehouse = Path(__file__).resolve().parents[1] / "warehouse"
    env = {**os.environ, "ACCUEIL_WAREHOUSE": str(folder / "copy.duckdb")}
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *args,
            "--profiles-dir",
            str(warehouse),
            "--target-path",
            str(folder / "target"),
        ],
        cwd=warehouse,
        env=env,
        capture_output=True,
        text=True,
    )


def test_dbt_holds_duckdb_to_the_configured_memory_limit(dbt_folder):
    """ACCUEIL_DUCKDB_MEMORY_LIMIT reaches the DuckDB connection dbt opens (warehouse/profiles.yml,
    a connection option), instead of DuckDB's 80% of memory: as DuckDB itself shows that limit."""
    import json

    with duckdb.connect(config={"memory_limit": config.duckdb_memory_limit()}) as con:
        (expected,) = con.execute("select current_setting('memory_limit')").fetchone()
    query = "select current_setting('memory_limit') as memory_limit"
    shown = _dbt(dbt_folder, "show", "--quiet", "--output", "json", "--inline", query)
    assert shown.returncode == 0, shown.stdout[-2000:]
    assert json.loads(shown.stdout)["show"] == [{"memory_limit": expected}]


def test_dbt_sends_no_usage_statistics(dbt_folder, monkeypatch):
    """dbt sends anonymous usage events to dbt Labs unless told not to; the project tells it
    (warehouse/dbt_project.yml, `flags`), so that no command run on the warehouse, the builds' or
    a user's own, reports to anyone outside.  Its debug log shows each event it would send."""
    monkeypatch.delenv("DBT_SEND_ANONYMOUS_USAGE_STATS", raising=False)
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    listed = _dbt(dbt_folder, "--debug", "ls", "--select", "stg_funding")
    assert listed.returncode == 0, listed.stdout[-2000:]
    assert "'send_anonymous_usage_stats': 'False'" in listed.stdout
    assert "Sending event" not in listed.stdout and "snowplow" not in listed.stdout


def test_dbt_docs_generate_works(dbt_folder):
    result = _dbt(dbt_folder, "docs", "generate")
    assert result.returncode == 0, result.stdout[-2000:]
    catalog = (dbt_folder / "target" / "catalog.json").read_text()
    assert "fct_outcome_rates" in catalog and "int_client_spine" in catalog


def test_a_lone_suppressed_cell_fails_its_singular_test(dbt_folder):
    """`assert_no_lone_suppressed_cell` passes on the sample's rates, and fails once one cell of a
    group with none suppressed is suppressed alone, in either layer (the rate, or its coverage):
    the region's cell of a breakdown value, whose agencies could then be subtracted from it.  The
    copy is put back as it was."""
    select = ["--select", "assert_no_lone_suppressed_cell"]
    assert _dbt(dbt_folder, "test", *select).returncode == 0
    key = "outcome = ? and period = ? and breakdown = ? and breakdown_value = ? and agency_code = 'ALL'"
    with duckdb.connect(str(dbt_folder / "copy.duckdb")) as con:
        cell = con.execute(
            "select outcome, period, breakdown, breakdown_value from marts.fct_outcome_rates group by all"
            " having count(*) > 2 and not bool_or(suppressed) and not bool_or(coverage_suppressed)"
            " order by all limit 1"
        ).fetchone()
    for layer, flag in (("rate", "suppressed"), ("coverage", "coverage_suppressed")):
        with duckdb.connect(str(dbt_folder / "copy.duckdb")) as con:
            con.execute(f"update marts.fct_outcome_rates set {flag} = true where {key}", list(cell))
        try:
            result = _dbt(dbt_folder, "test", *select)
            failed = result.returncode == 1 and "FAIL" in result.stdout and "Got " in result.stdout
            assert failed, (layer, result.stdout[-2000:])
        finally:
            with duckdb.connect(str(dbt_folder / "copy.duckdb")) as con:
                con.execute(f"update marts.fct_outcome_rates set {flag} = false where {key}", list(cell))


def test_dbt_unit_tests_pass(dbt_folder):
    """The builds skip dbt's unit tests (they test the SQL, not the data); here they all run."""
    import json

    result = _dbt(dbt_folder, "test", "--select", "test_type:unit")
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((dbt_folder / "target" / "run_results.json").read_text())["results"]
    units = [r for r in results if r["unique_id"].startswith("unit_test.")]  # not the project's hooks
    assert len(units) >= 25 and all(r["status"] == "pass" for r in units)


def test_dbts_events_give_what_its_run_results_say(dbt_folder):
    """Builds run dbt with --no-write-json (orchestration/dbt_stream.py): the tests' statuses and each
    node's timing, which the build and the benchmark read from run_results.json, come from dbt's
    events instead.  Here dbt writes both, for the same run: they must agree."""
    import json
    from datetime import datetime

    from orchestration.dbt_stream import NodeResults

    (dbt_folder / "target" / "run_results.json").unlink(missing_ok=True)
    select = ["--select", "fct_outputs fct_extract_loads", "--exclude", "test_type:unit"]  # as builds do
    result = _dbt(dbt_folder, "test", *select, "--log-format", "json")
    assert result.returncode == 0, result.stdout[-3000:]
    events = NodeResults()
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            events.see(json.loads(line))
    written = json.loads((dbt_folder / "target" / "run_results.json").read_text())
    by_id = {r["unique_id"]: r for r in written["results"]}
    assert len(events.tests()) >= 5 and {r["unique_id"] for r in events.results} == set(by_id)
    assert events.elapsed_s == pytest.approx(written["elapsed_time"], abs=0.01)

    def moment(text: str) -> float:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    for seen in events.results:
        kept = by_id[seen["unique_id"]]
        assert seen["status"] == kept["status"] and seen["execution_time"] == pytest.approx(kept["execution_time"])
        (timing,) = seen["timing"]
        # dbt's own timing runs from compiling to the end of executing; the events' from the node's start to its end.
        assert moment(timing["started_at"]) <= min(moment(t["started_at"]) for t in kept["timing"]) + 0.01
        assert moment(timing["completed_at"]) >= max(moment(t["completed_at"]) for t in kept["timing"]) - 0.01
        assert moment(timing["completed_at"]) - moment(timing["started_at"]) < kept["execution_time"] + 1
    meta = written["metadata"]
    assert moment(events.started_at) <= moment(meta["invocation_started_at"]) + 1
    assert moment(events.finished_at) >= moment(meta["generated_at"])


def test_who_we_hear_from_matches_the_recomputation_and_shows_the_planted_response(sample_warehouse, reference):
    """fct_followup_coverage against the independent recomputation (the region's whole-period cells:
    covered = denominator, not covered = eligible - denominator), and the response the generator
    planted: women and refugees are reached less often, so they are a smaller share of the covered."""
    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        heard = con.execute("select * from marts.fct_followup_coverage").df()
    cells = reference[
        (reference["agency_code"] == "ALL")
        & (reference["period"] == "all")
        & reference["outcome"].isin(["employment_at_followup", "sense_of_belonging"])
        & reference["breakdown"].isin(
            ["all", "gender", "immigration_category", "official_language", "age_band", "community_size"]
        )
    ]
    merged = heard.merge(cells, on=["outcome", "breakdown", "breakdown_value"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) > 30
    assert (merged["suppressed_x"] == merged["coverage_suppressed"]).all()
    shown = merged[~merged["suppressed_x"]]
    assert (shown["covered_clients"] == shown["denominator"]).all()
    assert (shown["not_covered_clients"] == shown["eligible"] - shown["denominator"]).all()
    assert heard["suppressed"].any() or (heard["not_covered_clients"] >= 10).all()
    employment = heard[heard["outcome"] == "employment_at_followup"].set_index(["breakdown", "breakdown_value"])
    totals = employment.loc[("all", "all")]
    woman = employment.loc[("gender", "woman")]
    assert woman["covered_share"] == woman["covered_clients"] / totals["covered_clients"]
    assert woman["share_gap_points"] < -5, woman  # planted: women are reached less often


def test_the_demo_prints_every_region_outcome_with_the_recomputed_figures(sample_warehouse, reference):
    """`accueil demo`'s summary: a line for each outcome the region publishes, with the counts of
    the independent recomputation (a weighted rate, which counts no clients, says so)."""
    from accueil.demo import outcome_lines

    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        lines = outcome_lines(con)
    region = reference[
        (reference["period"] == "all") & (reference["agency_code"] == "ALL") & (reference["breakdown"] == "all")
    ]
    region = region[~region["suppressed"]].set_index("outcome")
    assert len(lines) == 1 + len(region) > 10
    shown = {line.split()[0]: line for line in lines[1:]}
    assert set(shown) == set(region.index)
    for outcome, row in region.iterrows():
        if row["unit"] == "days":
            assert f"{int(row['denominator']):,} clients" in shown[outcome]
        elif pd.isna(row["numerator"]):
            assert f"weighted, {int(row['denominator']):,} reached" in shown[outcome]
        else:
            assert f"{int(row['numerator']):,} of {int(row['denominator']):,}" in shown[outcome]
