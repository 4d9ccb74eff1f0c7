"""How the council's scorecard shows an indicator, shared by the dashboards and the command line.

One place decides how many decimals a row needs and how statuses are counted, so that the page
and `accueil demo` cannot disagree on either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

STATUS_ORDER = ("improved", "worsened", "no_clear_change", "no_baseline")

# The decimals an indicator's unit is shown with when its change needs no more.  A percentage is
# held from 0 to 100, so its decimals are those of the percentage (and of a change in points).
DEFAULT_DECIMALS = {"percent": 1, "rate_per_100k": 1, "count": 0, "ratio": 2, "days": 0, "points": 1}
MOST_DECIMALS = 4


def indicator_display_decimals(
    value: float | None, baseline: float | None, default: int, threshold: float | None = None
) -> int:
    """The fewest decimals (at least `default`) at which the change reads as what decided the status:
    the rounded change is not zero, is the difference of the rounded value and baseline, and sits on
    the same side of the threshold a change had to pass (fct_indicator_progress.change_threshold).
    0.859 against 0.894 with a threshold of 0.03 reads 0.86, 0.89 and -0.03 at two decimals, as if
    it had not passed: at three, 0.859, 0.894 and -0.035."""
    if value is None or baseline is None or value == baseline:
        return default
    change = value - baseline
    for decimals in range(default, MOST_DECIMALS + 1):
        rounded = round(change, decimals)
        shown = round(value, decimals) - round(baseline, decimals)
        consistent = rounded != 0 and abs(shown - rounded) < 10.0**-decimals / 2
        if consistent and threshold is not None:
            consistent = (abs(rounded) > round(threshold, decimals)) == (abs(change) > threshold)
        if consistent:
            return decimals
    return MOST_DECIMALS


def status_counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many indicators have each status, every status present (a zero where none has it)."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts


def status_sentence(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUS_ORDER if s in counts)
