"""A problem found in an uploaded file: the rule it breaks, where, and its wording in either language.

The wording lives once per rule, in the rule tables beside this module; a Problem holds
only the rule's name and the values that fill its placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass

from accueil.report.file_rules import FILE_RULES
from accueil.report.indicator_rules import INDICATOR_RULES
from accueil.report.survey_rules import SURVEY_RULES
from accueil.report.value_rules import VALUE_RULES

LANGUAGES = ("en", "fr")

# rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
RULES: dict[str, dict[str, tuple[str, str]]] = {**FILE_RULES, **VALUE_RULES, **INDICATOR_RULES, **SURVEY_RULES}


class _Blank(dict):
    def __missing__(self, key):
        return ""


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: str = "error"  # or "warning"
    sheet: str | None = None
    row: int | None = None  # the row number the agency sees in the spreadsheet (data starts on row 4)
    column: str | None = None
    value: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.rule not in RULES:
            raise KeyError(f"unknown rule {self.rule}")

    def text(self, lang: str) -> tuple[str, str]:
        from accueil.report.workbook_terms import column_label, valid_values

        what, fix = RULES[self.rule][lang]
        values = _Blank(dict(self.params))
        # The column as the clerk sees it in the workbook, and a code list by the values it accepts,
        # in the report's language.
        values.update(
            sheet=self.sheet or "", column=column_label(self.sheet, self.column, lang), value=shown(self.value)
        )
        if "codelist" in values:
            values["valid"] = valid_values(values["codelist"], lang)
        return what.format_map(values), fix.format_map(values)

    def as_dict(self) -> dict:
        """The problem as a report's JSON summary keeps it (accueil.ingest.submit), for from_dict."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "params": [list(pair) for pair in self.params],
        }

    @classmethod
    def from_dict(cls, found: dict) -> Problem:
        params = tuple((str(k), str(v)) for k, v in found.get("params", []))
        return cls(
            found["rule"], found["severity"], found["sheet"], found["row"], found["column"], found["value"], params
        )

    def column_label(self, lang: str) -> str:
        """The column's label in the workbook, for a report's Column cell (its machine name if unknown)."""
        from accueil.report.workbook_terms import column_label

        return column_label(self.sheet, self.column, lang)


def problem(rule: str, severity: str = "error", *, sheet=None, row=None, column=None, value=None, **params) -> Problem:
    return Problem(
        rule,
        severity,
        sheet,
        row,
        column,
        None if value is None else str(value),
        tuple(sorted((k, str(v)) for k, v in params.items())),
    )


def shown(value: str | None) -> str:
    """A value as a report quotes it: long values cut to 80 characters."""
    if value is None:
        return ""
    return value if len(value) <= 80 else value[:77] + "..."
