"""English and French for every label, number and date the dashboards show.

Numbers and dates go through Babel with the Canadian locales (en_CA, fr_CA) rather than
hand-made formats (`formats`).  Labels are kept in one table (`labels`, with each page's
in `page_labels` and the names of codes in `codes`) so a missing translation is a test
failure, not a blank on screen.
"""

from accueil.i18n.codes import (
    BREAKDOWNS,
    CODE_LABELS,
    OUTCOMES,
    PUBLICATION_STATES,
    STATUSES,
    UNITS,
    UPLOAD_STATUSES,
    code_label,
)
from accueil.i18n.formats import (
    LOCALES,
    MISSING,
    NOT_SET,
    SUPPRESSED,
    day,
    interval,
    money,
    number,
    percent,
    quarter,
    timestamp,
)
from accueil.i18n.labels import LABELS, LANGUAGE_NAMES, LANGUAGES, t

__all__ = [
    "BREAKDOWNS",
    "CODE_LABELS",
    "LABELS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LOCALES",
    "MISSING",
    "NOT_SET",
    "OUTCOMES",
    "PUBLICATION_STATES",
    "STATUSES",
    "SUPPRESSED",
    "UNITS",
    "UPLOAD_STATUSES",
    "code_label",
    "day",
    "interval",
    "money",
    "number",
    "percent",
    "quarter",
    "t",
    "timestamp",
]
