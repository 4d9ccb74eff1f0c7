"""Going back to a good file (issue 21): a superseded file made current again, by uploading its
bytes again or by `accueil uploads restore N`, on a small generated region.

One home goes through three load-only builds (no dbt: the raw tables are what a restore
changes): a good agency reference file A and extract v1; then a bad reference B (an agency
renamed) and a corrected extract v2, which supersede them; then A uploaded again and v1
restored by number.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from accueil import control, publication
from accueil.cli import cli
from accueil.generate import GenerateOptions, generate
from accueil.indicators.submit import submit_baselines, submit_observations
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import run_build
from tests import workbooks as wb

QUARTER = Quarter.parse("2024Q1")
RENAMED = "Renamed By Mistake"


def _agency_names(home: Path) -> dict[str, str]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return dict(con.execute("select agency_cd, agency_name from raw.agencies").fetchall())


def _orientation(home: Path) -> list[tuple[int, int]]:
    """(upload id, rows) of AG001's orientation services in the warehouse."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select upload_id, count(*) from raw.info_orientation where agency_cd = 'AG001' group by 1"
        ).fetchall()


def _restore(*args: str):
    return CliRunner().invoke(cli, ["uploads", "restore", *args, "--user", "restorer"])


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rollback-region")
    generate(GenerateOptions(out=out, agencies=2, quarters=1, clients=300, seed=3))
    return out


@pytest.fixture(scope="module")
def story(region, tmp_path_factory) -> dict:
    """What the home looked like at each step, and what each step answered."""
    home = tmp_path_factory.mktemp("rollback-home")
    files = tmp_path_factory.mktemp("rollback-files")
    bad_reference = wb.mutate(
        region / "agencies.xlsx",
        files / "agencies.xlsx",
        lambda rows: wb.set_cell(rows, "Agencies", "agency_name", 0, RENAMED),
    )
    corrected = wb.mutate(
        region / "AG001_2024Q1.xlsx", files / "AG001_2024Q1.xlsx", lambda rows: rows["Info&Orien"].pop(3)
    )
    seen: dict = {"home": home}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        seen["a"] = submit_agencies(region / "agencies.xlsx", user="test")
        seen["v1"] = submit_extract(region / "AG001_2024Q1.xlsx", "AG001", QUARTER, user="test")
        assert seen["a"].accepted and seen["v1"].accepted
        run_build(transform=False)
        seen["names_a"], seen["rows_v1"] = _agency_names(home), _orientation(home)

        seen["b"] = submit_agencies(bad_reference, user="test")
        seen["v2"] = submit_extract(corrected, "AG001", QUARTER, user="test")
        assert seen["b"].accepted and seen["v2"].accepted
        run_build(transform=False)
        seen["names_b"], seen["rows_v2"] = _agency_names(home), _orientation(home)

        seen["a_again"] = submit_agencies(region / "agencies.xlsx", user="test")
        seen["restore_v1"] = _restore(str(seen["v1"].upload.upload_id))
        with control.connect() as con:
            seen["register_before_build"] = {u.upload_id: u for u in control.uploads(con)}
        seen["unpublished"] = {u.upload_id for u in publication.unpublished()}
        run_build(transform=False)
        seen["names_after"], seen["rows_after"] = _agency_names(home), _orientation(home)
        with control.connect() as con:
            seen["register"] = {u.upload_id: u for u in control.uploads(con)}
            seen["restored_audit"] = [
                (row["actor"], row["target"], json.loads(row["detail"]))
                for row in con.execute("select * from audit_log where action = 'upload_restored' order by audit_id")
            ]
    return seen


@pytest.fixture
def at_story_home(story, monkeypatch) -> dict:
    monkeypatch.setenv("ACCUEIL_HOME", str(story["home"]))
    return story


def _new_extract_upload(story) -> control.Upload:
    """The upload `accueil uploads restore` made of v1's bytes."""
    v1 = story["v1"].upload
    made = [u for u in story["register"].values() if u.kind == "extract" and u.upload_id > story["v2"].upload.upload_id]
    assert len(made) == 1, made
    assert made[0].sha256 == v1.sha256
    return made[0]


def test_the_bad_files_did_replace_the_good_ones(story):
    """The premise: without it, the restores below would prove nothing."""
    assert story["names_a"]["AG001"] != RENAMED and story["names_b"]["AG001"] == RENAMED
    (v1_id, v1_rows), (v2_id, v2_rows) = story["rows_v1"][0], story["rows_v2"][0]
    assert (v1_id, v2_id) == (story["v1"].upload.upload_id, story["v2"].upload.upload_id)
    assert v2_rows == v1_rows - 1
    register = story["register_before_build"]
    assert register[story["a"].upload.upload_id].status == "superseded"
    assert register[story["v1"].upload.upload_id].status == "superseded"


def test_uploading_a_superseded_reference_file_again_makes_it_current_again(story):
    again, a, b = story["a_again"], story["a"].upload, story["b"].upload
    assert not again.duplicate and again.accepted and again.outcome is not None, "checked again, not a no-op"
    assert again.upload.upload_id > b.upload_id and again.restored_from == a.upload_id
    assert again.upload.sha256 == a.sha256
    assert story["names_after"] == story["names_a"], "the warehouse's reference holds A's names again"
    register = story["register"]
    assert register[again.upload.upload_id].status == "loaded"
    assert register[b.upload_id].status == "superseded"
    assert register[b.upload_id].superseded_by == again.upload.upload_id
    assert register[a.upload_id].status == "superseded", "the old row keeps its history"
    stored = story["home"] / "raw" / a.sha256[:2] / a.sha256
    assert stored.exists(), "both register rows point to the same raw bytes"


def test_uploads_restore_makes_a_superseded_extract_current_again(story):
    result = story["restore_v1"]
    assert result.exit_code == 0, result.output
    made = _new_extract_upload(story)
    assert f"is upload {made.upload_id}" in result.output and "Restored" in result.output
    assert made.received_by == "restorer" and made.file_name == story["v1"].upload.file_name
    assert story["rows_after"] == [(made.upload_id, story["rows_v1"][0][1])], "v1's rows are back"
    v2 = story["register"][story["v2"].upload.upload_id]
    assert v2.status == "superseded" and v2.superseded_by == made.upload_id
    assert story["register"][made.upload_id].status == "loaded"


def test_the_service_publishes_a_restored_upload_like_any_accepted_one(story):
    made = _new_extract_upload(story)
    assert {story["a_again"].upload.upload_id, made.upload_id} <= story["unpublished"]
    assert story["register_before_build"][made.upload_id].status == "accepted"


def test_each_restore_is_audited_naming_the_old_and_the_replaced_upload(story):
    made = _new_extract_upload(story)
    rows = {target: (actor, detail) for actor, target, detail in story["restored_audit"]}
    assert set(rows) == {f"upload:{story['a_again'].upload.upload_id}", f"upload:{made.upload_id}"}
    actor, detail = rows[f"upload:{story['a_again'].upload.upload_id}"]
    assert actor == "test"
    assert (detail["restores"], detail["replaces"]) == (story["a"].upload.upload_id, story["b"].upload.upload_id)
    actor, detail = rows[f"upload:{made.upload_id}"]
    assert actor == "restorer"
    assert (detail["restores"], detail["replaces"]) == (story["v1"].upload.upload_id, story["v2"].upload.upload_id)
    assert (detail["agency"], detail["quarter"]) == ("AG001", "2024Q1")


def test_the_current_file_again_stays_a_no_op(at_story_home, region):
    story = at_story_home
    again = submit_agencies(region / "agencies.xlsx", user="test")
    assert again.duplicate and again.upload.upload_id == story["a_again"].upload.upload_id
    current = story["a_again"].upload.upload_id
    for number, says in (
        (current, f"Upload {current}'s file is already the current one: "),
        (story["a"].upload.upload_id, f"already the current one, as upload {current}"),
    ):
        result = _restore(str(number))
        assert result.exit_code == 2 and says in result.output, result.output
    with control.connect() as con:
        assert len(control.uploads(con)) == len(story["register"]), "nothing was registered"


def test_restore_refuses_an_unknown_number_a_rejected_upload_and_an_observations_file(at_story_home, region, tmp_path):
    bad = wb.mutate(
        region / "AG002_2024Q1.xlsx",
        tmp_path / "AG002_2024Q1.xlsx",
        lambda rows: wb.set_cell(rows, "Info&Orien", "orientation_service_id", 0, "Webinar"),
    )
    rejected = submit_extract(bad, "AG002", QUARTER, user="test")
    assert rejected.upload.status == "rejected"
    observations = submit_observations(region / "indicator_observations_ILLUSTRATIVE.csv", user="test")
    assert observations.accepted
    with control.connect() as con:
        before = len(control.uploads(con))
    cases = {
        "999999": "There is no upload 999999",
        "abc": "is not an upload number",
        str(rejected.upload.upload_id): f"Upload {rejected.upload.upload_id} was rejected",
        str(observations.upload.upload_id): "is an indicator observations file",
    }
    for number, says in cases.items():
        result = _restore(number)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and says in lines[0], (number, result.output)
    with control.connect() as con:
        assert len(control.uploads(con)) == before, "a refusal registers nothing"


def test_a_superseded_baselines_file_uploaded_again_is_current_again(tmp_path):
    """The council's baselines file is replaced whole by a newer one, like the reference: the same rule."""
    from accueil.indicators.warehouse import load_pending
    from accueil.ingest.warehouse import connect

    header = "indicator_code,geography_code,baseline_period,target_value,target_date,note\n"
    good = tmp_path / "baselines.csv"
    good.write_text(header + "citizenship_rate,ON,2021,,,good\n", encoding="utf-8")
    bad = tmp_path / "baselines-2.csv"
    bad.write_text(header + "citizenship_rate,ON,2016,,,bad\n", encoding="utf-8")
    first = submit_baselines(good, user="council")
    second = submit_baselines(bad, user="council")
    assert first.accepted and second.accepted
    with connect() as con:
        load_pending(con)
    again = submit_baselines(good, user="council")
    assert not again.duplicate and again.accepted and again.restored_from == first.upload.upload_id
    with connect() as con:
        load_pending(con)
        held = con.execute("select upload_id, baseline_period from raw.indicator_baselines").fetchall()
    assert held == [(again.upload.upload_id, "2021")]
    with control.connect() as con:
        assert control.get_upload(con, second.upload.upload_id).status == "superseded"
    assert submit_baselines(good, user="council").duplicate, "the current file again is a no-op"


def test_uploads_without_a_subcommand_still_lists_the_register(at_story_home):
    runner = CliRunner()
    listed = runner.invoke(cli, ["uploads"])
    assert listed.exit_code == 0 and "superseded" in listed.output
    assert runner.invoke(cli, ["uploads", "list"]).output == listed.output
    only = runner.invoke(cli, ["uploads", "--agency", "ag001"])
    assert only.exit_code == 0 and "AG001" in only.output and "agencies" not in only.output
    assert runner.invoke(cli, ["uploads", "--agency", "../../etc"]).exit_code == 2
