"""The privacy screen: direct identifiers reject a file, and their values are never repeated.

It reads every cell of the file as the reader found it: the contract's sheets and any other
(which refuse the file anyway), title and header rows, and columns without a header.  A problem
found here names the sheet, row and column but never the value, so that the report, the
register and the logs hold nothing the quarantined raw file does not.
"""

from __future__ import annotations

import re

from accueil.contract import Contract, fold
from accueil.ingest.names import visible
from accueil.ingest.reader import Grid, grid_texts
from accueil.report import Problem, problem

# Header words that name a direct identifier, in English and French (folded).
IDENTIFYING_HEADERS = (
    "email",
    "e mail",
    "courriel",
    "phone",
    "telephone",
    "cell",
    "street",
    "rue",
    "address",
    "adresse",
    "postal code",
    "code postal",
    "unique identifier value",
    "client id",
    "uci",
    "date of birth",
    "birth date",
    "date de naissance",
    "contact name",
    "first name",
    "last name",
    "surname",
    "prenom",
    "nom de famille",
)

VALUE_PATTERNS: tuple[tuple[str, re.Pattern, str], ...] = (
    ("an email address", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"), "une adresse courriel"),
    (
        "a phone number",
        re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\w-])|(?<![\w-])\d{10}(?![\w-])"),
        "un numéro de téléphone",
    ),
    (
        "a full postal code",
        re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d(?![A-Za-z0-9])"),
        "un code postal complet",
    ),
    (
        "a street address",
        re.compile(
            r"(?i)\b\d{1,5}[a-z]?,?\s+(?:[a-zà-ÿ'.-]+\s+){0,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|"
            r"drive|dr|crescent|cres|court|ct|lane|ln|way|place|pl|rue|chemin|ch|boul|av)\b"
        ),
        "une adresse municipale",
    ),
)
_DIGIT = re.compile(r"[0-9]")
# The patterns a text can match, by whether it holds an @ and a digit: an email address (the
# first pattern) needs the one, the others a digit.  The email pattern tries every start of a
# text, so trying it on every record id, client key and date was most of the screen's time.
_OTHERS = tuple(range(1, len(VALUE_PATTERNS)))
_PATTERNS_FOR = {(True, True): (0, *_OTHERS), (True, False): (0,), (False, True): _OTHERS, (False, False): ()}
# A text of eleven or more ASCII letters and digits and nothing else matches no pattern above: the
# email needs an @, the street a space, the spaced phone number and postal code a separator, and
# the unspaced ones (ten digits, six characters) must be the whole of such a text.  Client keys are
# such texts, and the most numerous distinct ones of a file.
_ONE_LONG_WORD = re.compile(r"[A-Za-z0-9]{11,}")
RAW_UCI = re.compile(r"^\s*(?:\d[\s-]?){8,10}\s*$")
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Columns whose whole value must not have a shape that identifies someone.
_WHOLE_VALUE = {
    "client_key": (
        RAW_UCI,
        "a client identifier (UCI) instead of a client key",
        "un identifiant de client (IUC) au lieu d'une clé de client",
    ),
    "client_birth_year": (FULL_DATE, "a full date of birth", "une date de naissance complète"),
}


def _identifying_header(header: str, contract: Contract) -> tuple[str, str] | None:
    """Why a header names a direct identifier, in English and French; None when it does not."""
    identifiers = contract.direct_identifiers
    if header in identifiers:
        return identifiers[header], contract.direct_identifiers_fr[header]
    folded = fold(header)
    if fold(header.replace("_", " ")) in {fold(n.replace("_", " ")) for n in identifiers}:
        return "iCARE identifier column", "colonne d'identifiant d'iCARE"
    for word in IDENTIFYING_HEADERS:
        if re.search(rf"(^| ){re.escape(word)}( |$)", folded):
            return f"header names {word}", f"l'en-tête nomme « {word} »"
    return None


def screen(
    contract: Contract,
    grids: list[tuple[str, Grid]],
    unknown: dict[str, list[str]],
    distinct: set[str] | None = None,
) -> list[Problem]:
    """Every cell of every sheet, known or not (title and header rows, unnamed columns and sheets
    the contract does not have included), and the headers of the columns the contract does not know.
    `distinct`: the grids' `grid_texts`, when the caller has them."""
    problems: list[Problem] = []
    for name, headers in unknown.items():
        for header in headers:
            why = _identifying_header(header, contract)
            if why:
                why_en, why_fr = why
                problems.append(
                    problem("identifier_column", sheet=name, column=visible(header), why=why_en, why_fr=why_fr)
                )
    kinds = _kinds_found(grid_texts(grids) if distinct is None else distinct)
    for name, grid in grids:
        for column, cells in zip(grid.labels, grid.cells.T, strict=True):
            values = cells.tolist()
            # Row i of a grid is the spreadsheet's row i + 1.  A blank matches no pattern, and most
            # columns hold none of the flagged texts: a set test in C says so without a loop.
            if kinds and not kinds.keys().isdisjoint(values):
                flagged = [(r, kinds[t]) for r, t in enumerate(values, 1) if t in kinds]
                for number, (kind_en, _, kind_fr) in enumerate(VALUE_PATTERNS):
                    problems += [
                        problem("identifier_value", sheet=name, row=r, column=column, kind=kind_en, kind_fr=kind_fr)
                        for r, found in flagged
                        if number in found
                    ]
            whole = _WHOLE_VALUE.get(column)
            if whole:
                pattern, kind_en, kind_fr = whole
                matching = {t for t in set(values) if t and pattern.match(t)}
                if not matching:
                    continue
                problems += [
                    problem("identifier_value", sheet=name, row=r, column=column, kind=kind_en, kind_fr=kind_fr)
                    for r, t in enumerate(values, 1)
                    if t in matching
                ]
    return problems


def _kinds_found(distinct: set[str]) -> dict[str, tuple[int, ...]]:
    """Each of the distinct texts that looks like a direct identifier, with the patterns it matches.

    A file repeats its values (codes, dates, client keys) across rows and sheets, so each
    distinct text is searched once; and every pattern needs a digit or an @, so texts
    with neither are not searched at all.
    """
    found = {}
    for text in distinct:
        if _ONE_LONG_WORD.fullmatch(text):
            continue
        patterns = _PATTERNS_FOR["@" in text, _DIGIT.search(text) is not None]
        kinds = tuple(n for n in patterns if VALUE_PATTERNS[n][1].search(text))
        if kinds:
            found[text] = kinds
    return found


def cells_flagged(problems: list[Problem]) -> set[tuple[str, int, str]]:
    """(sheet, row, column) of every cell that holds an identifier: no other rule may quote it."""
    return {(p.sheet, p.row, p.column) for p in problems if p.rule == "identifier_value"}
