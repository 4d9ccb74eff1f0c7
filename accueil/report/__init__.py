"""Validation reports for agencies: what is wrong, where, and how to fix it, in English or French.

A `Problem` names the rule it breaks and the sheet, spreadsheet row, column and
value where it happens; the wording lives once per rule and language, in the rule
tables (`file_rules`, `value_rules`, `indicator_rules`).  Reports are written as
HTML (for people) and CSV (for spreadsheets), with a summary first (`document`).
"""

from accueil.report.document import HEADINGS, MAX_ROWS_PER_RULE, Report
from accueil.report.problems import LANGUAGES, RULES, Problem, problem

__all__ = ["HEADINGS", "LANGUAGES", "MAX_ROWS_PER_RULE", "RULES", "Problem", "Report", "problem"]
