"""Could a reader work a suppressed cell out of the published ones?  A linear check.

Published cells add up: the values of a breakdown to its `all` cell, the gender x
immigration category cells to their gender's and their category's cells, the agencies to
`ALL`, the quarters to `all`, an agency's programs to its total.  Each such identity is
an equation; the suppressed cells are its unknowns and the published ones its constants.
A suppressed cell is recoverable when the equations fix its value whatever the other
unknowns are: when every solution of the homogeneous system is zero in its place.  The
check finds the null space of the system (SVD), one connected set of unknowns at a time.

It checks each published table on its own, as the marts protect them:
* fct_outcome_rates: the breakdowns of one outcome, quarter and agency (every partition of
  the `all` cell, and the gender by immigration category table with its margins); and the
  agencies by quarters of one outcome and breakdown value, with `ALL` and `all` as margins;
* fct_outputs: one quarter's programs within agencies, agencies within the region;
* fct_referral_flows: the quarters by streams of one flow, with `all` as margins (the
  flows out of or into an agency are not published as totals, so they are not equations).
A combination across tables (an agency's gender table together with another agency's and
`ALL`'s) is not checked, nor are bounds (a count is at least 0), which can narrow a cell
without fixing it.

Only identities that hold exactly are used.  Community participation counts a client once
per cell, so its agencies do not add up to `ALL` nor its quarters to `all`; the other
outcomes count each unit in one agency and one quarter (docs/measures.md).  The
equations are written here from those definitions, not read from the marts' SQL, so that
the check does not share the marts' mistakes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

PARTITIONING = (
    "gender",
    "age_band",
    "immigration_category",
    "official_language",
    "community_size",
    "gender_x_immigration_category",
)
# Outcomes whose cells are not sums of their agencies' or quarters' cells.
NOT_ADDITIVE_ACROSS = frozenset({"community_participation"})

# An equation: the cells (row positions) that are its parts, and its total's position.
Equation = tuple[list[int], int]


@dataclass(frozen=True)
class Recovered:
    table: str
    cell: dict


def _equations(keys: list[tuple], group_of: Callable[[tuple], Iterable[tuple[tuple, tuple]]]) -> list[Equation]:
    """Equations from `group_of(key)`: the (group, total key) pairs each cell is a part of."""
    position = {key: i for i, key in enumerate(keys)}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        for group, total in group_of(key):
            groups[(group, total)].append(i)
    return [(parts, position[total]) for (_, total), parts in groups.items() if total in position]


def _components(equations: list[Equation], unknown: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """(unknowns, equations) of each connected set of unknowns that the equations tie together."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    hidden_of = [[m for m in (*parts, total) if unknown[m]] for parts, total in equations]
    for hidden in hidden_of:
        for m in hidden:
            parent[find(m)] = find(hidden[0])
    components: dict[int, tuple[list[int], list[int]]] = {}
    for m in parent:
        components.setdefault(find(m), ([], []))[0].append(m)
    for e, hidden in enumerate(hidden_of):
        if hidden:
            components[find(hidden[0])][1].append(e)
    return list(components.values())


def determined(equations: list[Equation], unknown: np.ndarray) -> list[int]:
    """The unknowns whose value the equations (sum of parts = total) fix."""
    fixed = []
    for variables, rows in _components(equations, unknown):
        column = {v: j for j, v in enumerate(variables)}
        matrix = np.zeros((len(rows), len(variables)))
        for r, e in enumerate(rows):
            parts, total = equations[e]
            for m in parts:
                if m in column:
                    matrix[r, column[m]] += 1.0
            if total in column:
                matrix[r, column[total]] -= 1.0
        _, singular, vt = np.linalg.svd(matrix, full_matrices=True)
        rank = int((singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))).sum())
        null = vt[rank:]
        fixed.extend(v for v, j in column.items() if null.shape[0] == 0 or np.abs(null[:, j]).max() < 1e-9)
    return sorted(fixed)


def _recovered(table: str, cells: pd.DataFrame, by: list[str], keys: list[str], group_of: Callable) -> list[Recovered]:
    """Check each slice of `cells` (one value of the `by` columns) with the equations of its `keys`."""
    found = []
    for _, part in cells.groupby(by, sort=True):
        part = part.reset_index(drop=True)
        unknown = part["suppressed"].to_numpy(dtype=bool)
        if not unknown.any():
            continue
        equations = _equations(list(part[keys].itertuples(index=False, name=None)), group_of)
        found.extend(
            Recovered(table, part.iloc[i].drop("suppressed").to_dict()) for i in determined(equations, unknown)
        )
    return found


def _breakdown_groups(key: tuple) -> Iterable[tuple[tuple, tuple]]:
    breakdown, value = key
    if breakdown in PARTITIONING:
        yield ("values", breakdown), ("all", "all")
    if breakdown == "gender_x_immigration_category":
        gender, category = value.split("|", 1)
        yield ("margin", "gender", gender), ("gender", gender)
        yield ("margin", "immigration_category", category), ("immigration_category", category)


def _agency_period_groups(key: tuple) -> Iterable[tuple[tuple, tuple]]:
    period, agency = key
    if agency != "ALL":
        yield ("agencies", period), (period, "ALL")
    if period != "all":
        yield ("periods", agency), ("all", agency)


def recoverable_rates(con: duckdb.DuckDBPyConnection) -> list[Recovered]:
    cells = con.execute(
        "select outcome, period, agency_code, breakdown, breakdown_value, suppressed from marts.fct_outcome_rates"
    ).df()
    additive = cells[~cells["outcome"].isin(NOT_ADDITIVE_ACROSS)]
    return _recovered(
        "fct_outcome_rates",
        cells,
        ["outcome", "period", "agency_code"],
        ["breakdown", "breakdown_value"],
        _breakdown_groups,
    ) + _recovered(
        "fct_outcome_rates",
        additive,
        ["outcome", "breakdown", "breakdown_value"],
        ["period", "agency_code"],
        _agency_period_groups,
    )


def _output_groups(key: tuple) -> Iterable[tuple[tuple, tuple]]:
    agency, program = key
    if agency != "ALL":
        yield ("programs", agency), (agency, "ALL")
    if program == "ALL" and agency != "ALL":
        yield ("agencies",), ("ALL", "ALL")


def recoverable_outputs(con: duckdb.DuckDBPyConnection) -> list[Recovered]:
    cells = con.execute("select period, agency_code, program_code, suppressed from marts.fct_outputs").df()
    return _recovered("fct_outputs", cells, ["period"], ["agency_code", "program_code"], _output_groups)


def _flow_period_stream_groups(key: tuple) -> Iterable[tuple[tuple, tuple]]:
    period, stream = key
    if period != "all":
        yield ("periods", stream), ("all", stream)
    if stream != "all":
        yield ("streams", period), (period, "all")


def recoverable_flows(con: duckdb.DuckDBPyConnection) -> list[Recovered]:
    cells = con.execute("select period, stream_code, from_code, to_code, suppressed from marts.fct_referral_flows").df()
    return _recovered(
        "fct_referral_flows", cells, ["from_code", "to_code"], ["period", "stream_code"], _flow_period_stream_groups
    )


CHECKS = {
    "fct_outcome_rates": recoverable_rates,
    "fct_outputs": recoverable_outputs,
    "fct_referral_flows": recoverable_flows,
}


def recoverable(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> list[Recovered]:
    """Suppressed cells that the published cells of their own table fix, in the tables given."""
    present = {
        r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
    }
    found = []
    for table in sorted(set(tables) & present & CHECKS.keys()):
        found += CHECKS[table](con)
    return found


def scan_recoverable(path: str, tables: Iterable[str]) -> list[Recovered]:
    """`recoverable` on the published snapshot at `path`, read-only."""
    from accueil.access.snapshot import connect

    with connect(path) as con:
        return recoverable(con, tables)
