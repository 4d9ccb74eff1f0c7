"""One catalogue of outcomes (issue 23): seeds/outcome_catalogue.csv against what reads it or must agree with it.

The pipeline's outcomes, units and breakdowns on the sample region; the dbt tests that hold
the models to the seed, on a tampered copy of it; the dashboards' names in both languages;
the pages and the benchmark, which must take their outcome codes from it; and the table of
docs/measures.md.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from accueil import i18n, outcomes
from accueil.outcomes import seed as catalogue_module
from accueil.outcomes.docs import PAGE, anchors, render

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "outcome_catalogue.csv"
WAREHOUSE = ROOT / "warehouse"


def _published_pairs(frame: pd.DataFrame) -> set[tuple[str, str, str]]:
    return {(r.outcome, r.unit, r.breakdown) for r in frame.itertuples()}


def _catalogued_pairs() -> set[tuple[str, str, str]]:
    return {(o.code, o.unit, b) for o in outcomes.catalogue().values() for b in o.breakdowns}


# ---- the seed ------------------------------------------------------------------------------------


def test_the_seed_is_documented_column_by_column_and_its_lists_are_the_loaders():
    with SEED.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    seed = yaml.safe_load((ROOT / "seeds" / "outcome_catalogue.yml").read_text(encoding="utf-8"))["seeds"][0]
    assert seed["name"] == "outcome_catalogue"
    columns = {c["name"]: c for c in seed["columns"]}
    assert list(columns) == header
    assert all(c["description"].strip() for c in columns.values())
    assert set(seed["config"]["column_types"]) == set(header)

    def accepted(column: str) -> tuple[str, ...]:
        tests = [t for t in columns[column]["data_tests"] if isinstance(t, dict) and "accepted_values" in t]
        return tuple(tests[0]["accepted_values"]["arguments"]["values"])

    assert accepted("unit") == catalogue_module.UNITS
    assert accepted("direction") == catalogue_module.DIRECTIONS
    assert accepted("unit_counted") == catalogue_module.UNITS_COUNTED
    assert accepted("computed_in") == catalogue_module.COMPUTED_IN


def test_the_catalogue_holds_every_outcome_once_with_its_names_breakdowns_and_headline():
    cat = outcomes.catalogue()
    assert len(cat) == 40 and outcomes.codes() == tuple(cat)
    for row in cat.values():
        assert row.name_en.strip() and row.name_fr.strip() and row.name_en != row.name_fr, row.code
        assert row.breakdowns[0] == "all" and set(row.breakdowns) <= set(i18n.BREAKDOWNS), row.code
        assert len(set(row.breakdowns)) == len(row.breakdowns), row.code
    orders = sorted(row.headline_order for row in cat.values() if row.headline_order is not None)
    assert orders == list(range(1, len(orders) + 1))
    assert outcomes.headline() == (
        "language_gain_any",
        "employment_at_followup",
        "sense_of_belonging",
        "referral_completion_90d",
    )
    gain = outcomes.get("language_gain_any")  # IRCC's national result against its target (domain brief)
    assert (gain.benchmark_value, gain.benchmark_target) == (0.37, 0.60)
    assert outcomes.get("days_arrival_to_first_service").is_median
    assert outcomes.get("referral_completion_90d").unit_counted == "referral"
    with pytest.raises(KeyError, match=r"not in seeds/outcome_catalogue\.csv"):
        outcomes.get("no_such_outcome")


@pytest.fixture
def seed_copy(tmp_path, monkeypatch):
    """A copy of the seed the loader reads instead, for a test to change; the cache is cleared either side."""
    copy = tmp_path / "outcome_catalogue.csv"
    shutil.copy(SEED, copy)
    monkeypatch.setattr(catalogue_module, "PATH", copy)
    catalogue_module.catalogue.cache_clear()
    yield copy
    catalogue_module.catalogue.cache_clear()


def test_a_new_row_is_an_outcome_and_a_mistyped_one_is_refused_on_reading(seed_copy):
    row = (
        "people_to_turn_to,Has people to turn to,A des personnes vers qui se tourner,proportion,higher_is_better,"
        "client,int_outcome_records,people_to_turn_to,all gender,5,,,,\n"
    )
    seed_copy.write_text(SEED.read_text(encoding="utf-8") + row, encoding="utf-8")
    assert outcomes.codes()[-1] == "people_to_turn_to"
    assert outcomes.labels()["people_to_turn_to"] == ("Has people to turn to", "A des personnes vers qui se tourner")
    assert outcomes.headline()[-1] == "people_to_turn_to"

    seed_copy.write_text(SEED.read_text(encoding="utf-8") + row.replace(",proportion,", ",percent,"), encoding="utf-8")
    catalogue_module.catalogue.cache_clear()
    with pytest.raises(ValueError, match="people_to_turn_to: unit 'percent' is not one of proportion, days"):
        outcomes.catalogue()

    seed_copy.write_text(SEED.read_text(encoding="utf-8") + row.replace(",5,", ",1,"), encoding="utf-8")
    catalogue_module.catalogue.cache_clear()
    with pytest.raises(ValueError, match="share a headline_order"):
        outcomes.catalogue()


# ---- what reads it -------------------------------------------------------------------------------


def test_the_dashboards_names_of_the_outcomes_are_the_catalogues_in_both_languages():
    assert outcomes.labels() == i18n.OUTCOMES
    named = {key.removeprefix("outcome.") for key in i18n.LABELS if key.startswith("outcome.")}
    assert named == set(outcomes.codes())
    for code, row in outcomes.catalogue().items():
        assert i18n.t(f"outcome.{code}", "en") == row.name_en
        assert i18n.t(f"outcome.{code}", "fr") == row.name_fr


def _quoted_codes(path: Path) -> list[tuple[int, str, bool]]:
    """Every string literal of the file that is an outcome code: (line, code, inside outcomes.get(...))."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    looked_up = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "outcomes"
        and node.args
    }
    codes = set(outcomes.codes())
    return [
        (node.lineno, node.value, id(node) in looked_up)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in codes
    ]


def test_pages_and_the_benchmark_take_their_outcome_codes_from_the_catalogue():
    """A page names an outcome only through outcomes.get (a code the catalogue lacks fails as the page
    loads); lists of outcomes (the funders' headline, the benchmark's) are the catalogue's."""
    files = [*sorted((ROOT / "dashboards").rglob("*.py")), ROOT / "accueil" / "bench" / "headline.py"]
    loose = [(f.relative_to(ROOT), line, code) for f in files for line, code, ok in _quoted_codes(f) if not ok]
    assert not loose, loose
    funders = (ROOT / "dashboards" / "views" / "funders.py").read_text(encoding="utf-8")
    assert "HEADLINE = outcomes.headline()" in funders

    from accueil.bench.headline import OUTCOMES

    assert outcomes.headline() == OUTCOMES


def test_the_benchmarks_bare_baseline_computes_every_headline_outcome():
    """accueil bench compares the headline outcomes with accueil/bench/baseline.sql's own computation of them."""
    baseline = (ROOT / "accueil" / "bench" / "baseline.sql").read_text(encoding="utf-8")
    computed = set(re.findall(r"'([a-z0-9_]+)' as outcome", baseline))
    assert computed == set(outcomes.headline())


# ---- docs/measures.md ----------------------------------------------------------------------------


def test_the_measures_page_table_is_generated_from_the_catalogue():
    page = PAGE.read_text(encoding="utf-8")
    assert page == render(page), "docs/measures.md's outcome table is out of date: run `accueil docs outcomes`"
    table = page[page.index("<!-- BEGIN outcome catalogue") : page.index("<!-- END outcome catalogue")]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [re.match(r"\| `([a-z0-9_]+)`", line).group(1) for line in rows] == list(outcomes.codes())
    for line, row in zip(rows, outcomes.catalogue().values(), strict=True):
        assert f"| {row.name_en} / {row.name_fr} |" in line
        assert f"[definition](#{row.definition_anchor})" in line
    assert "IRCC's national result / Résultat national d'IRCC: 37% (target / cible 60%)" in rows[0]


def test_every_outcome_has_its_written_definition_and_every_definition_its_outcome():
    page = PAGE.read_text(encoding="utf-8")
    defined = anchors(page)
    wanted = {row.definition_anchor for row in outcomes.catalogue().values()}
    assert wanted <= defined
    definitions = page[page.index("### Definitions") : page.index("## Adding an outcome")]
    assert set(re.findall(r'<a id="([^"]+)"></a>`', definitions)) == wanted
    assert "breakdowns" in defined
    for line in page.splitlines():  # the benchmark lives in the catalogue only
        if "37%" in line:
            assert line.startswith("| `language_gain_any` |"), line


def test_the_page_explains_adding_an_outcome_with_a_row_the_catalogue_accepts(seed_copy):
    page = PAGE.read_text(encoding="utf-8")
    section = page[page.index("## Adding an outcome") : page.index("## Outputs")]
    for step in ("One catalogue row", "One SQL block", "One YAML entry"):
        assert step in section
    example = re.search(r"```csv\n(.*?)\n\s*```", section, re.S).group(1).strip()
    seed_copy.write_text(SEED.read_text(encoding="utf-8") + example + "\n", encoding="utf-8")
    added = outcomes.get("people_to_turn_to")
    assert added.breakdowns == outcomes.get("sense_of_belonging").breakdowns
    assert f"'{added.code}' as outcome" in section and f'<a id="{added.definition_anchor}"></a>' in section


# ---- the sample region through the real pipeline ----------------------------------------------------


def test_the_catalogue_is_what_the_pipeline_publishes_on_the_sample_region(sample_warehouse):
    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        published = con.execute("select distinct outcome, unit, breakdown from marts.fct_outcome_rates").df()
        seed = con.execute("select * from reference.outcome_catalogue").df()
        side_by_side = con.execute("select * from marts.fct_outcomes_vs_outputs limit 0").df()
    assert _published_pairs(published) == _catalogued_pairs()
    assert list(seed["outcome"]) == list(outcomes.codes())  # the seed is published as it is
    # The funders' table of outputs beside outcomes reads one set of columns per headline outcome.
    beside = {c.removesuffix("_ci_high") for c in side_by_side.columns if c.endswith("_ci_high")}
    assert beside == set(outcomes.headline())


def test_each_outcome_is_computed_and_counted_as_the_catalogue_says(sample_warehouse):
    home, _, _ = sample_warehouse
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        relations = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'intermediate'"
                " union all select view_name from duckdb_views() where schema_name = 'intermediate'"
            ).fetchall()
        }
        if "int_outcome_records" not in relations:
            pytest.skip("int_outcome_records is not materialised in this warehouse")
        records = con.execute(
            "select outcome, bool_and(unit_id = client_key) as per_client, bool_and(unit_id <> client_key) as per_other"
            " from intermediate.int_outcome_records group by outcome"
        ).df()
    cat = outcomes.catalogue()
    assert set(records["outcome"]) == {code for code, row in cat.items() if row.computed_in == "int_outcome_records"}
    for row in records.itertuples():
        counted = cat[row.outcome].unit_counted
        assert row.per_client if counted == "client" else row.per_other, (row.outcome, counted)


def _dbt_test(home: Path, tmp_path: Path, sql: str | None = None) -> dict[str, tuple[str, int]]:
    """dbt's tests of the outcome catalogue (those that read the seed) on a copy of the sample's warehouse,
    after `sql` has changed the copy's seed table: {test name: (status, failures)}."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(home / "warehouse.duckdb", copy)
    if sql:
        with duckdb.connect(str(copy)) as con:
            con.execute(sql)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "test",
            "--select",
            "outcome_catalogue",
            "--profiles-dir",
            str(WAREHOUSE),
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=WAREHOUSE,
        env={**os.environ, "ACCUEIL_WAREHOUSE": str(copy)},
        capture_output=True,
        text=True,
    )
    run_results = tmp_path / "target" / "run_results.json"
    results = json.loads(run_results.read_text())["results"]
    # The target folder stays: the next call, on a copy at the same path, parses only what changed.
    run_results.unlink()
    copy.unlink()
    tests = [r for r in results if r["unique_id"].startswith("test.")]  # not the project's hooks
    return {r["unique_id"].split(".")[2]: (r["status"], r["failures"]) for r in tests} | {
        "_returncode": (str(result.returncode), 0)
    }


def test_dbt_holds_the_models_to_the_catalogue_both_ways(sample_warehouse, tmp_path):
    """On the sample every test of the seed passes (none warns).  A catalogue row with no SQL behind it is
    a warning (a young partnership may have no follow-ups yet); cells of an outcome, unit or breakdown the
    catalogue lacks fail the build."""
    home, _, _ = sample_warehouse
    clean = _dbt_test(home, tmp_path)
    assert clean.pop("_returncode")[0] == "0"
    names = set(clean)
    assert {"assert_every_catalogued_outcome_is_published", "assert_outcome_cells_are_catalogued"} <= names
    assert any(n.startswith("relationships_fct_outcome_rates_outcome") for n in names)
    assert any(n.startswith("relationships_int_outcome_records_outcome") for n in names)
    assert all(status == "pass" for status, _ in clean.values()), clean

    tampered = _dbt_test(
        home,
        tmp_path,
        "insert into reference.outcome_catalogue (outcome, name_en, name_fr, unit, direction, unit_counted,"
        " computed_in, definition_anchor, breakdowns) values ('people_to_turn_to', 'Has people to turn to',"
        " 'A des personnes vers qui se tourner', 'proportion', 'higher_is_better', 'client',"
        " 'int_outcome_records', 'people_to_turn_to', 'all gender');"
        " delete from reference.outcome_catalogue where outcome = 'sense_of_belonging';"
        " update reference.outcome_catalogue set breakdowns = replace(breakdowns, ' community_size', '')"
        " where outcome = 'employment_at_followup';",
    )
    assert tampered.pop("_returncode")[0] != "0"
    # people_to_turn_to: catalogued, with no cells, by two breakdowns.
    assert tampered["assert_every_catalogued_outcome_is_published"] == ("warn", 2)
    # sense_of_belonging: cells by 8 breakdowns and no row; employment_at_followup by community size, unlisted.
    assert tampered["assert_outcome_cells_are_catalogued"] == ("fail", 9)
    relationships = [v for n, v in tampered.items() if n.startswith("relationships_")]
    assert relationships and all(status == "fail" and failures > 0 for status, failures in relationships)


@pytest.mark.usefixtures("cheap_hashes")
def test_the_funders_page_shows_an_outcomes_benchmark_from_the_catalogue(sample_warehouse, tmp_path, monkeypatch):
    from tests.test_dashboards import captions, choose, make_home, open_page

    make_home(sample_warehouse, tmp_path, monkeypatch)
    at = open_page("funders")
    assert at.selectbox(key="f_outcome__en").value == outcomes.codes()[0] == "language_gain_any"
    assert "IRCC's national result: 37.0%, against a target of 60.0%." in captions(at)
    choose(at, "f_outcome", "employment_at_followup")  # no benchmark in the catalogue
    assert "national result" not in captions(at)
    assert list(at.selectbox(key="f_outcome__en").options) == [row.name_en for row in outcomes.catalogue().values()]

    at = open_page("funders", lang="fr")
    assert "Résultat national d'IRCC : 37,0\u00a0%, pour une cible de 60,0\u00a0%." in captions(at)
