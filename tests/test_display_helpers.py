"""Pure presentation helpers, checked on hand-worked cases: how many decimals the scorecard shows a
change at and how it counts statuses (accueil.indicators.display), and an audit row's detail as a line.

The pages themselves are checked on the sample snapshot in tests/test_dashboards.py
(test_the_scorecard_shows_the_change_that_decided_the_status) and tests/test_dashboards_roles.py.
"""

from __future__ import annotations

import pytest

from accueil.indicators.display import indicator_display_decimals, status_counts, status_sentence


@pytest.mark.parametrize(
    ("value", "baseline", "default", "threshold", "expected"),
    [
        (0.859, 0.894, 2, 0.03, 3),  # 0.86 - 0.89 = -0.03 would read as not passing 0.03
        (0.859, 0.894, 1, None, 3),  # -0.0 at one decimal; -0.04 at two is not 0.86 - 0.89
        (38.2, 43.2, 1, 6.0, 1),  # -5.0 points is already what decided it
        (13.06, 13.53, 1, None, 2),  # 13.1 - 13.5 = -0.4, but the change rounds to -0.5
        (79.0, 86.0, 0, 5.0, 0),  # days: -7
        (5.0, 5.0, 1, None, 1),  # no change: nothing to reveal
        (None, 5.0, 1, None, 1),  # no value
    ],
)
def test_decimals_that_decide_the_status(value, baseline, default, threshold, expected):
    assert indicator_display_decimals(value, baseline, default, threshold) == expected


def test_status_counts_name_every_status():
    counts = status_counts(["improved", "improved", "no_baseline"])
    assert counts == {"improved": 2, "worsened": 0, "no_clear_change": 0, "no_baseline": 1}
    assert status_sentence(counts) == "2 improved, 0 worsened, 0 no clear change, 1 no baseline"


def test_an_audit_detail_reads_as_a_line():
    from accueil.access.audit import readable_detail

    detail = '{"role": "agency", "agency": "AG002", "params": {"agency": "AG002"}, "queries": ["a.b", "c.d"]}'
    assert readable_detail(detail) == "role: agency · agency: AG002 · params: agency AG002 · queries: a.b, c.d"
    assert readable_detail("not json") == "not json"
    assert readable_detail(None) == ""
