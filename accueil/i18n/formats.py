"""Numbers, money, dates and quarters in the reader's language, through Babel with the Canadian locales.

fr-CA groups thousands with a no-break space and uses a decimal comma (`1 234,5`), puts
the currency sign after the amount and a space before `%`; Babel knows this, hand-made
formats would not.  A missing value is shown as MISSING, never as a zero.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from accueil.i18n.labels import t

LOCALES = {"en": "en_CA", "fr": "fr_CA"}

# Statistics Canada's symbol for a value suppressed to meet confidentiality requirements.
SUPPRESSED = "x"
MISSING = "…"  # not available: no unit was counted in the cell (distinct from suppressed)
NOT_SET = "—"  # nobody set this value (an indicator's baseline or target): not a count at all


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas.NA refuses comparisons in a boolean context
        return True


def number(value, lang: str, decimals: int = 0) -> str:
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value, lang: str, decimals: int = 1) -> str:
    """A proportion (0.368) as a percentage in the locale's own pattern: 36.8% / 36,8 %."""
    if _is_missing(value):
        return MISSING
    base = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals else ""), 1)
    return format_percent(value, format=pattern, locale=LOCALES[lang])


def money(value, lang: str, decimals: int = 0) -> str:
    if _is_missing(value):
        return MISSING
    pattern = None
    if decimals == 0:
        pattern = Locale.parse(LOCALES[lang]).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(value, "CAD", format=pattern, locale=LOCALES[lang], currency_digits=decimals != 0)


def day(value, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="long", locale=LOCALES[lang])


def timestamp(value, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, format="medium", locale=LOCALES[lang])


def quarter(value: str, lang: str) -> str:
    """2025Q3 -> "2025 Q3" / "2025 T3"; "all" -> every quarter."""
    if value == "all":
        return t("period.all", lang)
    year, q = value.split("Q")
    return f"{year} {'T' if lang == 'fr' else 'Q'}{q}"


def interval(low, high, lang: str, kind: str = "percent") -> str:
    if _is_missing(low) or _is_missing(high):
        return MISSING
    fmt = percent if kind == "percent" else (lambda v, lg: number(v, lg))
    return f"{fmt(low, lang)} – {fmt(high, lang)}"
