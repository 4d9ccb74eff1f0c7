"""The agencies' own rows written by difference (accueil/agency_rows.py) hold exactly what a whole
copy holds, through new uploads, corrections, consent said and taken back, an upload id given
again to another file, a column added, deleted rows piling up, and a last file that is no database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from accueil import agency_rows

RAW = ("client_profile", "info_orientation", "loads")


@pytest.fixture
def warehouse(tmp_path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute(
        """
        create schema raw; create schema marts;
        create table raw.client_profile (agency_cd varchar, upload_id bigint, client_key varchar, consent_ind varchar);
        create table raw.info_orientation (agency_cd varchar, upload_id bigint, client_key varchar, record_id varchar);
        create table raw.loads (kind varchar, agency_cd varchar, quarter varchar, upload_id bigint);
        create table marts.fct_open_referral_list (agency_code varchar, client_key varchar);
        """
    )
    yield con
    con.close()


def _load(con, upload: int, agency: str, clients: dict[str, str], records: int = 2) -> None:
    """An extract upload: a profile per client (with its consent answer) and `records` services each."""
    con.execute("insert into raw.loads values ('extract', ?, '2024Q1', ?)", [agency, upload])
    for client, consent in clients.items():
        con.execute("insert into raw.client_profile values (?, ?, ?, ?)", [agency, upload, client, consent])
        for n in range(records):
            con.execute(
                "insert into raw.info_orientation (agency_cd, upload_id, client_key, record_id) values (?, ?, ?, ?)",
                [agency, upload, client, f"{upload}-{n}"],
            )


def _unload(con, upload: int) -> None:
    for table in RAW:
        con.execute(f"delete from raw.{table} where upload_id = ?", [upload])


def _contents(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name <> 'publish_state' order by all"
        ).fetchall()
        return {f"{s}.{t}": sorted(con.execute(f"from {s}.{t}").fetchall(), key=repr) for s, t in tables}


class Publisher:
    """Writes the agencies' rows as a publish does, each time by difference from the last and
    whole beside it, and holds the two to be the same."""

    def __init__(self, con, folder: Path):
        self.con, self.folder, self.count, self.last = con, folder, 0, folder / "none.duckdb"

    def publish(self, shas: dict[int, str] | None = None) -> dict[str, str]:
        self.count += 1
        by_difference, whole = self.folder / f"rows{self.count}.duckdb", self.folder / f"whole{self.count}.duckdb"
        lists = [("marts", "fct_open_referral_list")]
        shas = shas or {}
        how = agency_rows.write(self.con, by_difference, self.last, list(RAW), lists, shas)
        agency_rows.write(self.con, whole, self.folder / "none.duckdb", list(RAW), lists, shas)
        assert _contents(by_difference) == _contents(whole)
        self.last = by_difference
        return how

    def rows(self, table: str) -> list:
        return _contents(self.last)[f"main.{table}"]


def test_rows_by_difference_equal_a_whole_copy_through_uploads_corrections_and_consent(warehouse, tmp_path):
    con, publisher = warehouse, Publisher(warehouse, tmp_path)
    _load(con, 1, "AG001", {"c1": "Yes", "c2": "Yes"})
    con.execute("insert into marts.fct_open_referral_list values ('AG001', 'c1'), ('AG001', 'c2')")
    assert set(publisher.publish().values()) == {"whole"}  # no file before: written whole

    _load(con, 2, "AG002", {"c3": "Yes", "c1": "Yes"})  # a new upload
    how = publisher.publish()
    assert {how[t] for t in RAW} == {"difference"} and how["marts.fct_open_referral_list"] == "whole"
    assert len(publisher.rows("info_orientation")) == 8

    _unload(con, 2)  # a correction: c1 now says No at AG002, so none of c1's rows anywhere stay
    _load(con, 3, "AG002", {"c3": "Yes", "c1": "No"}, records=1)
    publisher.publish()
    assert {r[2] for r in publisher.rows("info_orientation")} == {"c2", "c3"}
    assert {r[1] for r in _contents(publisher.last)["marts.fct_open_referral_list"]} == {"c2"}

    _unload(con, 3)  # corrected again: the profile that said No is gone, and every row of c1 is back
    _load(con, 4, "AG002", {"c3": "Yes", "c1": "Yes"}, records=1)
    publisher.publish()
    assert sorted(r[3] for r in publisher.rows("info_orientation") if r[2] == "c1") == ["1-0", "1-1", "4-0"]


def test_an_upload_id_given_to_another_file_replaces_its_rows(warehouse, tmp_path):
    """After a restore an id may come back for another file: the same id, the same number of rows,
    another sha256, and the rows it gave before are not kept."""
    con, publisher = warehouse, Publisher(warehouse, tmp_path)
    _load(con, 1, "AG001", {"c1": "Yes"})
    publisher.publish({1: "aaa"})
    _unload(con, 1)
    _load(con, 1, "AG001", {"c9": "Yes"})
    how = publisher.publish({1: "bbb"})
    assert {how[t] for t in RAW} == {"difference"}, how
    assert {r[2] for r in publisher.rows("info_orientation")} == {"c9"}


def test_a_table_whose_columns_changed_and_a_file_full_of_deleted_rows_are_written_whole(warehouse, tmp_path):
    con, publisher = warehouse, Publisher(warehouse, tmp_path)
    _load(con, 1, "AG001", {"c1": "Yes", "c2": "Yes"})
    publisher.publish()
    con.execute("alter table raw.info_orientation add column language varchar")
    _load(con, 2, "AG002", {"c3": "Yes"})
    how = publisher.publish()
    assert how["info_orientation"] == "whole" and how["client_profile"] == "difference"
    con.execute("insert into raw.client_profile values ('AG002', null, 'c4', 'Yes')")  # a row no upload gave
    assert publisher.publish()["client_profile"] == "whole"
    con.execute("delete from raw.client_profile where upload_id is null")
    # Replace AG001's rows twice over: the deleted rows pass a quarter of the file's, and it is written anew.
    for upload in (3, 4):
        _unload(con, upload - 2 if upload == 3 else 3)
        _load(con, upload, "AG001", {"c1": "Yes", "c2": "Yes"})
        how = publisher.publish()
    assert {how[t] for t in RAW} == {"whole"}


def test_a_last_file_that_is_no_database_is_replaced_whole(warehouse, tmp_path):
    con, publisher = warehouse, Publisher(warehouse, tmp_path)
    _load(con, 1, "AG001", {"c1": "Yes"})
    publisher.last = tmp_path / "broken.duckdb"
    publisher.last.write_bytes(b"not a database")
    assert set(publisher.publish().values()) == {"whole"}
    assert publisher.publish()["client_profile"] == "difference"
