"""The outputs marts, checked against an independent recomputation from the extract files.

fct_outputs (clients served, services by stream, hours) for every agency x program x quarter,
with the agency totals (program 'ALL') and the region totals (agency 'ALL'), and
fct_outcomes_vs_outputs' funding and cost per client served, recomputed here in plain pandas
from the files (tests/raw_extracts and agencies.xlsx), never from the warehouse.  Written from
the rules in the marts' YAML, not from their SQL:

* a service is a row of a service sheet, in the quarter of its date; it belongs to the
  agency's program of its stream; a language assessment to the agency's language-assessment
  program, else its language-training program; otherwise to 'UNASSIGNED';
* hours are minutes summed per cell, divided by 60 and rounded to the cent of an hour;
  language-training hours are hours per class x classes per week x days attended / 7 per
  quarter, from the first class to the exit (else course end, else the end of the agency's
  latest quarter), summed exactly and rounded once;
* a cell is suppressed when it has fewer clients than the threshold, plus complementary
  suppression within each total and its parts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.raw_extracts import STREAMS, read_region, read_workbook

ALL = "ALL"
UNASSIGNED = "UNASSIGNED"
THRESHOLD = 10
SUPPRESSION_ROUNDS = 5
KEY = ["agency_code", "program_code", "period"]

# sheet -> (stream, date columns: the first filled one is the service date)
SERVICE_SHEETS = {
    "Needs Assessment&Referrals": ("needs_assessment", ["assessment_start_dt"]),
    "Info&Orien": ("information_orientation", ["start_dttm"]),
    "Employment": ("employment", ["intervention_start_dt", "short_term_service[1]entry_dt"]),
    "Community Connections": ("community_connections", ["service_start_dt"]),
    "LT Client Enrol": ("language_training", ["first_class_dt"]),
    "LT Client Exit": ("language_training", ["exit_course_dt"]),
    "Language Assessment": ("language_assessment", ["assessment_dt"]),
}
# sheet -> (hours column, minutes column, output column)
DURATIONS = {
    "Info&Orien": ("orientation_length_hours_no", "orientation_length_minutes_no", "orientation_hours"),
    "Employment": ("complete_hours_spent_no", "complete_minutes_spent_no", "employment_hours"),
    "Community Connections": ("service_length_hours_no", "service_length_minutes_no", "community_connections_hours"),
}
HOURS = ["orientation_hours", "employment_hours", "community_connections_hours", "language_training_hours"]
STREAM_COLUMNS = [f"{stream}_services" for stream in STREAMS.values()]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _integer(value) -> int | None:
    return None if _blank(value) else int(float(value))


def _cents(value) -> int:
    """A money or hours cell (a float from the workbook) as an exact number of hundredths."""
    return int((Decimal(str(value)) * 100).to_integral_value())


def _quarter(dates: pd.Series) -> pd.Series:
    return pd.PeriodIndex(dates, freq="Q").astype(str).to_series(index=dates.index)


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer (half up; exact)."""
    return (2 * numerator + denominator) // (2 * denominator)


def program_of(reference: dict[str, pd.DataFrame]) -> dict[tuple[str, str], str]:
    """(agency, service stream) -> program code, by the attribution rule."""
    programs = reference["Programs"].assign(stream=lambda f: f["stream_id"].map(STREAMS)).sort_values("program_cd")
    out = {}
    for agency in reference["Agencies"]["agency_cd"]:
        own = programs[programs["agency_cd"] == agency]
        for stream in STREAMS.values():
            match = own[own["stream"] == stream]
            if match.empty and stream == "language_assessment":
                match = own[own["stream"] == "language_training"]
            out[(agency, stream)] = match["program_cd"].iloc[0] if len(match) else UNASSIGNED
    return out


def service_records(sheets: dict[str, pd.DataFrame], programs: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One row per service record: client, agency, stream, quarter, program and minutes."""
    parts = []
    for sheet, (stream, date_columns) in SERVICE_SHEETS.items():
        frame = sheets[sheet]
        dates = frame[date_columns].replace("", np.nan).bfill(axis=1).iloc[:, 0]
        minutes = pd.Series(0, index=frame.index)
        if sheet in DURATIONS:
            hours_column, minutes_column, _ = DURATIONS[sheet]
            minutes = [
                (_integer(h) or 0) * 60 + (_integer(m) or 0)
                for h, m in zip(frame[hours_column], frame[minutes_column], strict=True)
            ]
        parts.append(
            pd.DataFrame(
                {
                    "client_key": frame["client_key"],
                    "agency_code": frame["agency"],
                    "stream": stream,
                    "sheet": sheet,
                    "date": pd.to_datetime(dates),
                    "minutes": minutes,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["period"] = _quarter(out["date"])
    pairs = zip(out["agency_code"], out["stream"], strict=True)
    out["program_code"] = [programs.get(pair, UNASSIGNED) for pair in pairs]
    return out


def training_hours(sheets: dict[str, pd.DataFrame], programs: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One row per enrolment x quarter attended: hundredths of an hour per class x classes per week x days."""
    enrol = sheets["LT Client Enrol"].assign(first=lambda f: pd.to_datetime(f["first_class_dt"]))
    courses = sheets["LT Course Setup"][
        ["agency", "quarter", "course_cd", "instructional_hours_per_class", "classes_per_week", "end_dt"]
    ]
    enrol = enrol.merge(courses, on=["agency", "quarter", "course_cd"], how="inner", validate="many_to_one")
    exits = sheets["LT Client Exit"].assign(exit=lambda f: pd.to_datetime(f["exit_course_dt"]))
    exits = exits[["agency", "client_key", "course_cd", "exit", "quarter", "record_id"]]
    pairs = enrol.reset_index(names="enrolment").merge(
        exits, on=["agency", "client_key", "course_cd"], how="left", suffixes=("", "_exit")
    )
    pairs.loc[pairs["exit"] < pairs["first"], "exit"] = pd.NaT  # an earlier enrolment's exit does not end this one
    pairs = pairs.sort_values(["enrolment", "exit", "quarter_exit", "record_id_exit"], na_position="last")
    spans = pairs.drop_duplicates("enrolment")
    # the first day after the latest quarter in which the agency reported services
    reported = pd.concat([sheets[sheet][["agency", "quarter"]] for sheet in SERVICE_SHEETS])
    latest = reported.groupby("agency")["quarter"].max()
    data_end = {a: pd.Period(q, freq="Q").end_time.normalize() + pd.Timedelta(days=1) for a, q in latest.items()}
    rows = []
    for span in spans.itertuples(index=False):
        end = span.exit
        if pd.isna(end):
            end = data_end[span.agency]
            if not _blank(span.end_dt):
                end = min(end, pd.Timestamp(span.end_dt))
        rate = _cents(span.instructional_hours_per_class) * int(float(span.classes_per_week))
        quarter = pd.Period(span.first, freq="Q")
        while quarter.start_time < end:
            start = max(span.first, quarter.start_time)
            stop = min(end, (quarter + 1).start_time)
            days = (stop - start).days
            if days > 0:
                rows.append((span.agency, str(quarter), rate * days))
            quarter += 1
    out = pd.DataFrame(rows, columns=["agency_code", "period", "hour_days"])
    out["program_code"] = [programs.get((a, "language_training"), UNASSIGNED) for a in out["agency_code"]]
    return out


def funded_program_quarters(reference: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The Funding sheet with each program's agency: agency_code, program_code, period, amount_cad."""
    frame = reference["Funding"].merge(reference["Programs"][["program_cd", "agency_cd"]], on="program_cd")
    return frame.rename(columns={"agency_cd": "agency_code", "program_cd": "program_code", "quarter": "period"})


def _three_grains(frame: pd.DataFrame, aggregate) -> pd.DataFrame:
    """aggregate(groupby) per agency x program x quarter, per agency x quarter and per quarter."""
    parts = [
        aggregate(frame.groupby(KEY)).reset_index(),
        aggregate(frame.groupby(["agency_code", "period"])).reset_index().assign(program_code=ALL),
        aggregate(frame.groupby(["period"])).reset_index().assign(agency_code=ALL, program_code=ALL),
    ]
    return pd.concat(parts, ignore_index=True).set_index(KEY)


def outputs(region: Path, threshold: int = THRESHOLD) -> pd.DataFrame:
    """The cells of fct_outputs, with clients served, services by stream, hours and the suppressed flag."""
    sheets = read_region(str(region))
    reference = read_workbook(region / "agencies.xlsx")
    programs = program_of(reference)
    services = service_records(sheets, programs)
    training = training_hours(sheets, programs)
    cells = pd.concat([services[KEY], training[KEY], funded_program_quarters(reference)[KEY]]).drop_duplicates()
    cells = pd.concat(
        [
            cells,
            cells[["agency_code", "period"]].drop_duplicates().assign(program_code=ALL),
            cells[["period"]].drop_duplicates().assign(agency_code=ALL, program_code=ALL),
        ]
    ).set_index(KEY)

    for stream in STREAMS.values():
        services[f"{stream}_services"] = (services["stream"] == stream).astype("int64")
    for sheet, (_, _, column) in DURATIONS.items():
        services[column] = services["minutes"].where(services["sheet"] == sheet, 0)
    measures = [*STREAM_COLUMNS, *(column for _, _, column in DURATIONS.values())]

    def count_services(groups):
        out = groups.agg(clients_served=("client_key", "nunique"), services=("client_key", "size"))
        return out.join(groups[measures].sum())

    counted = _three_grains(services, count_services)
    hours = _three_grains(training, lambda g: g["hour_days"].sum().rename("hour_days").to_frame())
    out = cells.join(counted).join(hours).fillna(0)
    for _, _, column in DURATIONS.values():  # minutes -> hundredths of an hour
        out[column] = [_round_div(100 * int(m), 60) for m in out[column]]
    out["language_training_hours"] = [_round_div(int(h), 7) for h in out.pop("hour_days")]
    out = out.astype("int64").reset_index()  # hours are in hundredths
    out["grain"] = np.select([out["agency_code"] == ALL, out["program_code"] == ALL], ["region", "agency"], "program")
    out["suppressed"] = suppress(out, threshold)
    return out


def suppress(cells: pd.DataFrame, threshold: int) -> pd.Series:
    """Primary suppression (clients under the threshold), then complementary within each total and its parts."""
    suppressed = cells["clients_served"] < threshold
    groups = [
        (cells["agency_code"] != ALL, ["agency_code", "period"], cells["program_code"] == ALL),
        (cells["program_code"] == ALL, ["period"], cells["agency_code"] == ALL),
    ]
    for _ in range(SUPPRESSION_ROUNDS):
        for member, keys, is_total in groups:
            part = cells[member].assign(suppressed=suppressed[member], is_total=is_total[member])
            count = part.groupby(keys)["suppressed"].transform("sum")
            size = part.groupby(keys)["suppressed"].transform("size")
            lonely = part[(count == 1) & (size > 1) & ~part["suppressed"]]
            ordered = lonely.sort_values(["is_total", "clients_served", "agency_code", "program_code"])
            suppressed.loc[ordered.groupby(keys, sort=False).head(1).index] = True
    return suppressed


def funding(region: Path) -> pd.DataFrame:
    """Funding in cents per program x quarter, per agency x quarter (program 'ALL') and per quarter (region)."""
    frame = funded_program_quarters(read_workbook(region / "agencies.xlsx"))
    frame["funding_cents"] = frame["amount_cad"].map(_cents)
    return _three_grains(frame, lambda g: g["funding_cents"].sum().to_frame()).reset_index()


# ---- the comparison, shared by the tests and by a run against any warehouse file ------------------------


def compare(con: duckdb.DuckDBPyConnection, region: Path, threshold: int = THRESHOLD) -> dict[str, int]:
    """Compare the marts in `con` with the recomputation; raise AssertionError on any difference."""
    expected = outputs(region, threshold)
    mart = con.execute("select * from marts.fct_outputs").df()
    merged = mart.merge(expected, on=KEY, how="outer", suffixes=("", "_ref"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    assert only.empty, only[[*KEY, "_merge"]].head(20).to_string()
    assert (merged["grain"] == merged["grain_ref"]).all()
    wrong = merged[merged["suppressed"] != merged["suppressed_ref"]]
    assert wrong.empty, wrong[[*KEY, "suppressed", "suppressed_ref", "clients_served_ref"]].head(20).to_string()
    shown = merged[~merged["suppressed"]]
    counts = ["clients_served", "services", *STREAM_COLUMNS]
    for column in counts:
        diff = shown[shown[column].astype("int64") != shown[f"{column}_ref"]]
        assert diff.empty, (column, diff[[*KEY, column, f"{column}_ref"]].head(10).to_string())
    for column in HOURS:
        cents = (shown[column].astype(float) * 100).round().astype("int64")
        diff = shown[cents != shown[f"{column}_ref"]]
        assert diff.empty, (column, diff[[*KEY, column, f"{column}_ref"]].head(10).to_string())
    hidden = merged[merged["suppressed"]]
    assert hidden[[*counts, *HOURS]].isna().all().all(), "a suppressed cell publishes a number"

    # fct_outcomes_vs_outputs: same cells; funding and cost per client served
    versus = con.execute("select * from marts.fct_outcomes_vs_outputs").df()
    money = expected.merge(funding(region), on=KEY, how="left")
    merged_money = versus.merge(money, on=KEY, how="outer", suffixes=("", "_ref"), indicator=True)
    only = merged_money[merged_money["_merge"] != "both"]
    assert only.empty, only[[*KEY, "_merge"]].head(20).to_string()
    funded = merged_money["funding_cents"].notna()
    assert (merged_money["funding_cad"].notna() == funded).all(), "funding present in one and not the other"
    cents = (merged_money.loc[funded, "funding_cad"].astype(float) * 100).round().astype("int64")
    assert (cents == merged_money.loc[funded, "funding_cents"].astype("int64")).all(), "funding differs"
    costed = funded & ~merged_money["suppressed_ref"] & (merged_money["clients_served_ref"] > 0)
    cost = merged_money["funding_cents"] / 100 / merged_money["clients_served_ref"]
    assert (merged_money["cost_per_client_served"].notna() == costed).all(), "cost per client where it should not be"
    assert np.allclose(
        merged_money.loc[costed, "cost_per_client_served"].astype(float), cost[costed], rtol=1e-12, atol=0
    ), "cost per client served differs"
    return {
        "output_cells": len(merged),
        "published_cells": len(shown),
        "suppressed_cells": len(hidden),
        "values_compared": len(shown) * (len(counts) + len(HOURS)),
        "funded_cells": int(funded.sum()),
        "costed_cells": int(costed.sum()),
    }


# ---- tests --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(sample_warehouse):
    home, region, _ = sample_warehouse
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as con:
        yield con, region


def test_outputs_and_costs_match_the_independent_recomputation(published, sample_warehouse):
    con, region = published
    _, _, truth = sample_warehouse
    summary = compare(con, region)
    # every program, every agency total and the region total in every quarter, all funded
    reference = read_workbook(region / "agencies.xlsx")
    cells_per_quarter = len(reference["Programs"]) + len(reference["Agencies"]) + 1
    assert summary["output_cells"] == len(truth["quarters"]) * cells_per_quarter, summary
    assert summary["funded_cells"] == summary["output_cells"], summary
    assert summary["published_cells"] > 0, summary


def test_every_service_record_is_counted_once(published):
    con, region = published
    sheets = read_region(str(region))
    rows = sum(len(sheets[sheet]) for sheet in SERVICE_SHEETS)
    (total,) = con.execute("select sum(services) from marts.fct_outputs where grain = 'region'").fetchone()
    assert total == rows


def test_client_level_dimension_is_marked_and_holds_no_birth_year_or_dates(sample_warehouse):
    import yaml

    # In the working warehouse: a client-level mart is not published (accueil/publish.py).
    with duckdb.connect(str(sample_warehouse[0] / "warehouse.duckdb"), read_only=True) as con:
        columns = {r[0]: r[1] for r in con.execute("describe marts.dim_client").fetchall()}
    assert "birth_year" not in columns and "age_at_first_service" not in columns
    assert not [c for c, t in columns.items() if t in ("DATE", "TIMESTAMP")], columns
    spec = yaml.safe_load((Path(__file__).parents[1] / "warehouse/models/marts/dim_client.yml").read_text())
    assert spec["models"][0]["config"]["meta"]["access"] == "client_level"
