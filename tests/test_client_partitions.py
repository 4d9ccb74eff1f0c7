"""The models kept by client recompute the clients a build touches, and every client when something
all clients share changed (warehouse/macros/client_partitions.sql).

A copy of the sample home has a marker written into every row of those models (a value no build
writes).  A correction to one extract is then built: the rows without the marker must be exactly
those of the clients in the extract's rows before or after the correction, read here from the raw
tables, not from the build's own record of them.  A changed agency reference file is then built:
no row may keep its marker.  tests/test_incremental.py holds the result to a full rebuild.

The same two builds check the models that read no extract (orchestration/reference_models.py):
the correction leaves them as built, and the changed reference file rebuilds them.
"""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pytest

from accueil import config
from accueil.ingest.submit import submit_agencies, submit_extract
from accueil.quarters import Quarter
from orchestration.build import MANIFEST, run_build
from orchestration.build_log import dbt_log_path
from tests.compiled_tests import compiled_test
from tests.workbooks import mutate, read_rows

pytestmark = pytest.mark.xdist_group("sample_builds")

# Each model kept by client, with a change to every row that no build writes and the data tests
# let through, or, where no column can take one, its rows deleted (None): a row then marks the
# client as recomputed.
MARKERS = {
    "int_client_spine": ("birth_year = birth_year - 5000", "birth_year < 0"),
    "int_needs_named": ("record_id = 'marked'", "record_id = 'marked'"),
    "int_outcome_records": ("agency_code = 'MARKED'", "agency_code = 'MARKED'"),
    "int_client_access": None,
    "int_referrals": ("first_answer_date = date '1800-01-01'", "first_answer_date = date '1800-01-01'"),
    "int_outcome_not_covered": ("agency_code = 'MARKED'", "agency_code = 'MARKED'"),
    "int_service_languages": ("record_id = 'marked'", "record_id = 'marked'"),
    "int_service_programs": (
        "service_minutes = coalesce(service_minutes, 0) + 10000000",
        "service_minutes >= 10000000",
    ),
    "int_language_observations": ("record_id = 'marked'", "record_id = 'marked'"),
}


def test_every_model_kept_by_client_is_marked_here():
    models = config.REPO_ROOT / "warehouse" / "models"
    kept = {path.stem for path in models.rglob("*.sql") if "touched_clients_only()" in path.read_text()}
    assert kept == set(MARKERS)


def _raw_clients(con: duckdb.DuckDBPyConnection, agency: str, quarter: str) -> set[str]:
    """The clients in the rows of the extract loaded for (agency, quarter), every sheet."""
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_columns() where schema_name = 'raw' and column_name = 'client_key'"
        ).fetchall()
    ]
    upload = "(select upload_id from raw.loads where kind = 'extract' and agency_cd = ? and quarter = ?)"
    union = " union ".join(f'select client_key from raw."{t}" where upload_id = {upload}' for t in tables)
    return {key for (key,) in con.execute(union, [agency, quarter] * len(tables)).fetchall()}


def _mark() -> dict[str, set[str]]:
    """Mark every row; per model, the clients it held."""
    with duckdb.connect(str(config.warehouse_path())) as con:
        held = {}
        for model, marker in MARKERS.items():
            held[model] = {
                k for (k,) in con.execute(f"select distinct client_key from intermediate.{model}").fetchall()
            }
            con.execute(
                f"delete from intermediate.{model}"
                if marker is None
                else f"update intermediate.{model} set {marker[0]}"
            )
        return held


def _recomputed(held: dict[str, set[str]]) -> dict[str, dict[str, set[str]]]:
    """Per model: the clients with a row that lost its marker, those whose rows all kept it, and
    every client it held before."""
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        out = {}
        for model, marker in MARKERS.items():
            marked = "false" if marker is None else marker[1]
            rows = con.execute(
                f"select client_key, bool_and({marked}) from intermediate.{model} group by client_key"
            ).fetchall()
            out[model] = {
                "recomputed": {key for key, still in rows if not still},
                "kept": {key for key, still in rows if still},
                "held": held[model],
            }
        return out


# A uniqueness test of a model kept by client whose groups hold one client each.
CLIENT_TEST = "unique_within_int_client_access_stream_code__period__client_key"


def _modes() -> dict[str, bool]:
    """Per model kept by client, whether its last build recomputed only the touched clients."""
    with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
        return dict(con.execute("select model, touched_only from main.dbt_client_models").fetchall())


@pytest.fixture(scope="module")
def builds(sample_warehouse, tmp_path_factory) -> dict:
    source, region, truth = sample_warehouse
    home = tmp_path_factory.mktemp("client-partitions") / "home"
    shutil.copytree(source, home, symlinks=True, ignore=shutil.ignore_patterns("*.lock", "logs"))
    folder = tmp_path_factory.mktemp("client-partition-files")
    # Not the last quarter: a correction to it leaves the last quarter any extract reports as it was.
    extract = sorted(region.glob(f"AG*_{truth['quarters'][-3]}.xlsx"))[0]
    agency, quarter = extract.stem.split("_")

    def fewer_services(rows):
        rows["Info&Orien"] = rows["Info&Orien"][:-4]
        rows["Needs Assessment&Referrals"] = rows["Needs Assessment&Referrals"][:-2]

    def renamed_site(rows):
        rows["Sites"][-1][2] = rows["Sites"][-1][2] + " (renamed)"

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCUEIL_HOME", str(home))
        with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
            before = _raw_clients(con, agency, quarter)
        first = _mark()
        corrected = mutate(extract, folder / extract.name, fewer_services)
        assert submit_extract(corrected, agency, Quarter.parse(quarter), user="t").accepted
        run_build()
        with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
            after = _raw_clients(con, agency, quarter)
        correction = _recomputed(first)
        correction_log = dbt_log_path().read_text()
        correction_modes = _modes()
        compiled = compiled_test(home, folder / "target", CLIENT_TEST)
        # A model whose rows were deleted held, before this build, the touched clients only:
        # every client it held before the first.
        held = {model: first[model] if MARKERS[model] is None else clients for model, clients in _mark().items()}
        assert "Sites" in read_rows(region / "agencies.xlsx")
        reference = mutate(region / "agencies.xlsx", folder / "agencies.xlsx", renamed_site)
        assert submit_agencies(reference, user="t").accepted
        run_build()
        whole = _recomputed(held)
        reference_modes = _modes()
        reference_log = dbt_log_path().read_text()
        with duckdb.connect(str(config.warehouse_path()), read_only=True) as con:
            renamed = con.execute("select count(*) from marts.dim_site where site_name like '% (renamed)'").fetchone()[
                0
            ]
    return {
        "started": (_started(correction_log), _started(reference_log)),
        "renamed_sites": renamed,
        "touched": before | after,
        "correction": correction,
        "reference": whole,
        "modes": (correction_modes, reference_modes),
        "compiled": compiled,
    }


def test_a_correction_recomputes_the_clients_of_its_extract_and_no_others(builds):
    touched = builds["touched"]
    assert touched
    for model, clients in builds["correction"].items():
        recomputed, kept, held = clients["recomputed"], clients["kept"], clients["held"]
        assert 0 < len(recomputed) < len(held) / 4, model
        # No untouched client was recomputed, and no touched one kept a marked row (a touched
        # client whose rows the correction removed has none left).
        assert recomputed <= touched and not kept & touched, model
        if MARKERS[model] is not None:
            assert held - touched <= kept, model  # every untouched client's rows kept as they were


def test_a_changed_reference_file_recomputes_every_client(builds):
    touched = builds["touched"]
    for model, clients in builds["reference"].items():
        recomputed, held = clients["recomputed"], clients["held"]
        assert not clients["kept"], model
        if MARKERS[model] is None:
            # Held before the correction, which may have removed a touched client's rows or added some.
            assert held - touched <= recomputed <= held | touched, model
        else:
            assert recomputed == held and held, model


def test_the_uniqueness_tests_of_a_correction_read_the_touched_clients_and_those_of_a_whole_build_every_row(builds):
    correction, reference = builds["modes"]
    assert correction == dict.fromkeys(MARKERS, True)
    assert reference == dict.fromkeys(MARKERS, False)
    assert "client_key in (select client_key from main.dbt_touched_clients)" in builds["compiled"]


def _started(log: str) -> set[str]:
    """The models a build's dbt started, from its log."""
    return set(re.findall(r"START sql \w+ model \w+\.(\w+) ", log))


def _reading_no_extract() -> set[str]:
    """The models that reach no extract table and not the register of loads, from dbt's own graph."""
    from accueil.contract import extract_contract

    nodes = json.loads(MANIFEST.read_text())["nodes"]
    extract = {f"source.accueil.raw.{sheet.table}" for sheet in extract_contract().sheets} | {
        "source.accueil.raw.loads"
    }
    memo: dict[str, bool] = {}

    def reaches(unique_id: str) -> bool:
        if unique_id not in memo:
            parents = nodes[unique_id]["depends_on"].get("nodes", []) if unique_id in nodes else []
            memo[unique_id] = unique_id in extract or any(reaches(p) for p in parents)
        return memo[unique_id]

    return {n["name"] for key, n in nodes.items() if n["resource_type"] == "model" and not reaches(key)}


def test_a_correction_leaves_the_models_that_read_no_extract_as_built_and_a_reference_file_rebuilds_them(builds):
    # Imported here: the definitions need dbt's manifest, which the builds above prepared.
    from orchestration.defs.warehouse.assets import REFERENCE_MODELS

    correction, reference = builds["started"]
    assert set(REFERENCE_MODELS) == _reading_no_extract() and len(REFERENCE_MODELS) >= 15
    assert correction and not correction & set(REFERENCE_MODELS)
    assert {"int_client_spine", "fct_outcome_rates", "stg_employment"} <= correction
    assert set(REFERENCE_MODELS) <= reference
    assert builds["renamed_sites"] == 1  # the renamed site reached the directory's mart
