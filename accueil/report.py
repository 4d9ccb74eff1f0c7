"""Validation reports for agencies: what is wrong, where, and how to fix it, in English or French.

A `Problem` names the rule it breaks and the sheet, spreadsheet row, column and
value where it happens; the wording lives once in `RULES`, per language.  Reports
are written as HTML (for people) and CSV (for spreadsheets), with a summary first.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from accueil import csv_safe

LANGUAGES = ("en", "fr")
MAX_ROWS_PER_RULE = 200  # beyond this a rule's problems are counted, not all listed

# rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
RULES: dict[str, dict[str, tuple[str, str]]] = {
    "file_unreadable": {
        "en": (
            "The file cannot be read as an Excel workbook or a zip of CSV files ({detail}).",
            "Save the extract again as .xlsx (or a .zip of one CSV per sheet) and upload that file.",
        ),
        "fr": (
            "Le fichier ne peut pas être lu comme un classeur Excel ni comme une archive zip de fichiers CSV "
            "({detail}).",
            "Enregistrez de nouveau l'extrait en .xlsx (ou en .zip d'un CSV par feuille) et téléversez ce fichier.",
        ),
    },
    "file_empty": {
        "en": ("The file is empty.", "Upload the extract file itself; it has no content."),
        "fr": ("Le fichier est vide.", "Téléversez le fichier d'extrait lui-même; celui-ci n'a aucun contenu."),
    },
    "sheet_missing": {
        "en": ("The sheet '{sheet}' is missing.", "Add the sheet '{sheet}', even if it has no data rows."),
        "fr": ("La feuille « {sheet} » est absente.", "Ajoutez la feuille « {sheet} », même sans lignes de données."),
    },
    "sheet_unknown": {
        "en": (
            "The sheet '{sheet}' is not part of the extract and was not read.",
            "Remove it, or rename it to one of the extract's sheets if that is what it holds.",
        ),
        "fr": (
            "La feuille « {sheet} » ne fait pas partie de l'extrait et n'a pas été lue.",
            "Supprimez-la, ou renommez-la si elle contient l'une des feuilles de l'extrait.",
        ),
    },
    "column_missing": {
        "en": (
            "The required column '{column}' is missing.",
            "Add the column with machine name '{column}' (label: {label}) on row 2.",
        ),
        "fr": (
            "La colonne obligatoire « {column} » est absente.",
            "Ajoutez la colonne de nom technique « {column} » (libellé : {label}) à la ligne 2.",
        ),
    },
    "column_optional_missing": {
        "en": (
            "The optional column '{column}' is missing; it is treated as empty.",
            "Nothing to do, unless you collect this information: then add the column.",
        ),
        "fr": (
            "La colonne facultative « {column} » est absente; elle est considérée comme vide.",
            "Rien à faire, sauf si vous recueillez cette information : ajoutez alors la colonne.",
        ),
    },
    "column_unknown": {
        "en": (
            "The column '{column}' is not part of the extract and was ignored.",
            "Remove it, or correct its name if it should be one of the extract's columns.",
        ),
        "fr": (
            "La colonne « {column} » ne fait pas partie de l'extrait et a été ignorée.",
            "Supprimez-la, ou corrigez son nom s'il s'agit d'une colonne de l'extrait.",
        ),
    },
    "column_duplicate": {
        "en": ("The column '{column}' appears more than once.", "Keep one copy of the column."),
        "fr": ("La colonne « {column} » apparaît plus d'une fois.", "Ne gardez qu'un exemplaire de la colonne."),
    },
    "identifier_column": {
        "en": (
            "The column '{column}' holds direct identifiers ({why}); the file was quarantined and is not stored "
            "in the warehouse.",
            "Run the extract through `accueil anonymise` before uploading it.",
        ),
        "fr": (
            "La colonne « {column} » contient des identifiants directs ({why_fr}); le fichier a été mis en "
            "quarantaine et n'est pas versé dans l'entrepôt.",
            "Passez l'extrait par `accueil anonymise` avant de le téléverser.",
        ),
    },
    "identifier_value": {
        "en": (
            "This cell looks like {kind}; the file was quarantined and the value is not stored in the warehouse.",
            "Remove direct identifiers: the extract must be anonymised (see docs/for-agencies.md).",
        ),
        "fr": (
            "Cette cellule ressemble à {kind_fr}; le fichier a été mis en quarantaine et la valeur n'est pas versée "
            "dans l'entrepôt.",
            "Retirez les identifiants directs : l'extrait doit être anonymisé.",
        ),
    },
    "required_value": {
        "en": ("The required value of '{column}' is empty.", "Fill in '{column}' ({label})."),
        "fr": ("La valeur obligatoire de « {column} » est vide.", "Remplissez « {column} » ({label})."),
    },
    "required_with": {
        "en": ("'{column}' is empty although '{other}' is filled in.", "Fill in '{column}' or empty '{other}'."),
        "fr": (
            "« {column} » est vide alors que « {other} » est rempli.",
            "Remplissez « {column} » ou videz « {other} ».",
        ),
    },
    "type_date": {
        "en": ("'{value}' is not a date.", "Write dates as YYYY-MM-DD, for example 2025-07-14."),
        "fr": (
            "« {value} » n'est pas une date.",
            "Écrivez les dates sous la forme AAAA-MM-JJ, par exemple 2025-07-14.",
        ),
    },
    "type_year": {
        "en": ("'{value}' is not a year of birth.", "Write the four-digit year, for example 1984."),
        "fr": ("« {value} » n'est pas une année de naissance.", "Écrivez l'année à quatre chiffres, par exemple 1984."),
    },
    "type_number": {
        "en": ("'{value}' is not a number between {min} and {max}.", "Write a number between {min} and {max}."),
        "fr": ("« {value} » n'est pas un nombre entre {min} et {max}.", "Écrivez un nombre entre {min} et {max}."),
    },
    "type_client_key": {
        "en": (
            "'{value}' is not a client key.",
            "Client keys are the 64-character codes made by `accueil anonymise`; do not edit them.",
        ),
        "fr": (
            "« {value} » n'est pas une clé de client.",
            "Les clés de client sont les codes de 64 caractères produits par `accueil anonymise`.",
        ),
    },
    "type_fsa": {
        "en": (
            "'{value}' is not a forward sortation area.",
            "Keep only the first three characters of the postal code, for example L2R.",
        ),
        "fr": (
            "« {value} » n'est pas une région de tri d'acheminement.",
            "Ne gardez que les trois premiers caractères du code postal, par exemple L2R.",
        ),
    },
    "type_text": {
        "en": ("The value of '{column}' is too long or malformed.", "Shorten it to at most {max_length} characters."),
        "fr": (
            "La valeur de « {column} » est trop longue ou mal formée.",
            "Raccourcissez-la à {max_length} caractères au plus.",
        ),
    },
    "code_not_in_list": {
        "en": (
            "'{value}' is not a value of the list '{codelist}'.",
            "Use one of the values listed for '{codelist}' in docs/extract-contract.md, e.g. {examples}.",
        ),
        "fr": (
            "« {value} » n'est pas une valeur de la liste « {codelist} ».",
            "Utilisez l'une des valeurs de « {codelist} » (docs/extract-contract.md), p. ex. {examples}.",
        ),
    },
    "clb_literacy_skill": {
        "en": (
            "'{value}' is a literacy level, which exists only for reading and writing.",
            "Give a CLB level from 1 to 12, Pre-CLB, N/A or Insufficient Evidence for {skill}.",
        ),
        "fr": (
            "« {value} » est un niveau d'alphabétisation, qui n'existe que pour la lecture et l'écriture.",
            "Indiquez un niveau NCLC de 1 à 12, Pré-NCLC, S.O. ou Preuves insuffisantes pour {skill}.",
        ),
    },
    "date_outside_quarter": {
        "en": (
            "The date {value} is outside the quarter {quarter} ({start} to {end}).",
            "Report this record in the extract of its own quarter, or correct the date.",
        ),
        "fr": (
            "La date {value} est hors du trimestre {quarter} (du {start} au {end}).",
            "Déclarez cet enregistrement dans l'extrait de son trimestre, ou corrigez la date.",
        ),
    },
    "duplicate_key": {
        "en": (
            "'{value}' appears {count} times in '{column}', which must be unique in the sheet.",
            "Keep one row per {column}.",
        ),
        "fr": (
            "« {value} » apparaît {count} fois dans « {column} », qui doit être unique dans la feuille.",
            "Gardez une ligne par {column}.",
        ),
    },
    "course_not_set_up": {
        "en": (
            "The course '{value}' is not in the sheet 'LT Course Setup'.",
            "Add the course to 'LT Course Setup' in the same file, or correct the course code.",
        ),
        "fr": (
            "Le cours « {value} » ne figure pas dans la feuille « LT Course Setup ».",
            "Ajoutez le cours à « LT Course Setup » dans le même fichier, ou corrigez le code du cours.",
        ),
    },
    "birth_year_conflict": {
        "en": (
            "The client {value} has {count} different years of birth in this file ({years}).",
            "Give the same year of birth on every row of a client.",
        ),
        "fr": (
            "Le client {value} a {count} années de naissance différentes dans ce fichier ({years}).",
            "Indiquez la même année de naissance sur toutes les lignes d'un client.",
        ),
    },
    "birth_date_conflict": {
        "en": (
            "The identifier on this row has {count} different dates of birth in the input ({dates}).",
            "Correct the date of birth in your client-management system so that each client has one.",
        ),
        "fr": (
            "L'identifiant de cette ligne a {count} dates de naissance différentes ({dates}).",
            "Corrigez la date de naissance dans votre système de gestion des clients.",
        ),
    },
    "course_code_mismatch": {
        "en": (
            "The course '{value}' of '{sheet}' does not match any course in 'LT Course Setup'.",
            "Use the same course code in the set-up, enrolment and exit sheets.",
        ),
        "fr": (
            "Le cours « {value} » de « {sheet} » ne correspond à aucun cours de « LT Course Setup ».",
            "Utilisez le même code de cours dans les feuilles de création, d'inscription et de sortie.",
        ),
    },
    "client_not_profiled": {
        "en": (
            "The client {value} has services in this file but no row in 'Client Profile'.",
            "Add the client's profile row to the same file.",
        ),
        "fr": (
            "Le client {value} a des services dans ce fichier mais aucune ligne dans « Client Profile ».",
            "Ajoutez la ligne de profil du client au même fichier.",
        ),
    },
    "agency_unknown": {
        "en": (
            "The agency code '{value}' is not in the partnership's agency reference data.",
            "Use a code from agencies.xlsx, or ask the partnership to add the agency first.",
        ),
        "fr": (
            "Le code d'organisme « {value} » ne figure pas dans les données de référence du partenariat.",
            "Utilisez un code de agencies.xlsx, ou demandez au partenariat d'ajouter l'organisme.",
        ),
    },
    "reference_missing": {
        "en": (
            "'{value}' in '{column}' does not refer to a row of '{target}'.",
            "Add the row to '{target}' or correct the code.",
        ),
        "fr": (
            "« {value} » dans « {column} » ne renvoie à aucune ligne de « {target} ».",
            "Ajoutez la ligne à « {target} » ou corrigez le code.",
        ),
    },
    # Welcoming-community indicator files (observations and baselines): accueil/indicators/files.py.
    "header_missing": {
        "en": (
            "No header row naming the column '{column}' was found in the first {rows} rows.",
            "Put the column names on one row at the top of the file, as in the sample observations file: {columns}.",
        ),
        "fr": (
            "Aucune ligne d'en-tête nommant la colonne « {column} » dans les {rows} premières lignes.",
            "Mettez les noms de colonnes sur une ligne en haut du fichier, comme dans le fichier d'exemple : "
            "{columns}.",
        ),
    },
    "indicator_column_missing": {
        "en": ("The required column '{column}' is missing.", "Add the column '{column}' ({label}) to the header row."),
        "fr": (
            "La colonne obligatoire « {column} » est absente.",
            "Ajoutez la colonne « {column} » ({label}) à la ligne d'en-tête.",
        ),
    },
    "indicator_unknown": {
        "en": (
            "'{value}' is not an indicator of the catalogue.",
            "Use a code listed in docs/indicators.md, or ask the council to add the indicator to the catalogue first.",
        ),
        "fr": (
            "« {value} » n'est pas un indicateur du catalogue.",
            "Utilisez un code de docs/indicators.md, ou demandez au conseil d'ajouter d'abord l'indicateur "
            "au catalogue.",
        ),
    },
    "indicator_computed": {
        "en": (
            "The indicator '{value}' is computed by the warehouse from the agencies' extracts; it cannot be loaded "
            "from a file.",
            "Remove these rows; the warehouse publishes this indicator itself.",
        ),
        "fr": (
            "L'indicateur « {value} » est calculé par l'entrepôt à partir des extraits des organismes; il ne peut pas "
            "être chargé d'un fichier.",
            "Retirez ces lignes; l'entrepôt publie lui-même cet indicateur.",
        ),
    },
    "unit_mismatch": {
        "en": (
            "The unit '{value}' does not match the indicator '{indicator}', which is measured in {unit}.",
            "Give the value in {unit} and write '{unit}' in the unit column.",
        ),
        "fr": (
            "L'unité « {value} » ne correspond pas à l'indicateur « {indicator} », mesuré en {unit}.",
            "Donnez la valeur en {unit} et inscrivez « {unit} » dans la colonne de l'unité.",
        ),
    },
    "period_format": {
        "en": (
            "'{value}' is not a period.",
            "Write a year as YYYY (for example 2021) or a quarter as YYYYQn (for example 2025Q3).",
        ),
        "fr": (
            "« {value} » n'est pas une période.",
            "Écrivez une année sous la forme AAAA (p. ex. 2021) ou un trimestre sous la forme AAAAQn (p. ex. 2025Q3).",
        ),
    },
    "period_granularity": {
        "en": (
            "The indicator '{indicator}' is computed by quarter; '{value}' is not a quarter.",
            "Give a quarter as YYYYQn, for example 2024Q4.",
        ),
        "fr": (
            "L'indicateur « {indicator} » est calculé par trimestre; « {value} » n'est pas un trimestre.",
            "Indiquez un trimestre sous la forme AAAAQn, p. ex. 2024Q4.",
        ),
    },
    "geography_unknown": {
        "en": (
            "'{value}' is not a geography of the partnership.",
            "Use one of {known}, or ask the council to add the geography (seeds/indicator_geographies.csv).",
        ),
        "fr": (
            "« {value} » n'est pas une géographie du partenariat.",
            "Utilisez l'une de {known}, ou demandez au conseil d'ajouter la géographie "
            "(seeds/indicator_geographies.csv).",
        ),
    },
    "duplicate_observation": {
        "en": (
            "'{value}' appears {count} times in this file (rows {rows}).",
            "Keep one row per {key}; to correct a value already loaded, load a new file with the corrected row.",
        ),
        "fr": (
            "« {value} » apparaît {count} fois dans ce fichier (lignes {rows}).",
            "Gardez une ligne par {key}; pour corriger une valeur déjà chargée, chargez un nouveau fichier avec la "
            "ligne corrigée.",
        ),
    },
    "not_a_number": {
        "en": (
            "'{value}' in '{column}' is not a number.",
            "Write a plain number with a dot for decimals and no unit or thousands separator, for example 12.5.",
        ),
        "fr": (
            "« {value} » dans « {column} » n'est pas un nombre.",
            "Écrivez un nombre simple, avec un point pour les décimales, sans unité ni séparateur de milliers, "
            "p. ex. 12.5.",
        ),
    },
    "value_out_of_range": {
        "en": (
            "{value} is outside the range of '{column}' for this indicator ({unit}: {min} to {max}).",
            "Correct the value: in {unit}, it lies between {min} and {max}.",
        ),
        "fr": (
            "{value} est hors de l'intervalle de « {column} » pour cet indicateur ({unit} : de {min} à {max}).",
            "Corrigez la valeur : en {unit}, elle se situe entre {min} et {max}.",
        ),
    },
    # The door's limits and the reading worker (accueil/ingest/door.py, sandbox.py, abandoned.py).
    "over_limit": {
        "en": (
            "The file is over a limit of the warehouse: {what} is {found}, and at most {limit} is accepted.",
            "Upload the quarterly extract itself, one agency and one quarter, saved again from Excel or made "
            "by `accueil anonymise`: a real extract is far below this limit.",
        ),
        "fr": (
            "Le fichier dépasse une limite de l'entrepôt : {what_fr} est de {found_fr}, et le maximum accepté "
            "est de {limit_fr}.",
            "Téléversez l'extrait trimestriel lui-même, un organisme et un trimestre, enregistré de nouveau "
            "dans Excel ou produit par `accueil anonymise` : un véritable extrait est bien en deçà de cette limite.",
        ),
    },
    "read_stopped": {
        "en": (
            "The file could not be read within the warehouse's limits: {reason}.",
            "Upload the quarterly extract itself, saved again from Excel or made by `accueil anonymise`.",
        ),
        "fr": (
            "Le fichier n'a pas pu être lu dans les limites de l'entrepôt : {reason_fr}.",
            "Téléversez l'extrait trimestriel lui-même, enregistré de nouveau dans Excel ou produit par "
            "`accueil anonymise`.",
        ),
    },
    "check_interrupted": {
        "en": (
            "The check of this file did not finish ({reason}): nothing from it was loaded.",
            "Upload the file again.",
        ),
        "fr": (
            "La vérification de ce fichier ne s'est pas terminée ({reason_fr}) : rien n'en a été versé.",
            "Téléversez le fichier de nouveau.",
        ),
    },
    "type_identifier": {
        "en": (
            "'{value}' is not a valid {column}: an identifier is letters and digits, joined by - _ . / or :, "
            "and begins with a letter or a digit.",
            "Correct the identifier in your system, or export it without spaces, quotes or other signs.",
        ),
        "fr": (
            "« {value} » n'est pas un {column} valide : un identifiant est fait de lettres et de chiffres, "
            "reliés par - _ . / ou :, et commence par une lettre ou un chiffre.",
            "Corrigez l'identifiant dans votre système, ou exportez-le sans espaces, guillemets ni autres signes.",
        ),
    },
    "text_control_character": {
        "en": (
            "The value of '{column}' holds a control or invisible character ({found}): a tab, a line break, "
            "a zero-width character or a direction mark.",
            "Type the value again on one line; if it was pasted, paste it as plain text.",
        ),
        "fr": (
            "La valeur de « {column} » contient un caractère de commande ou invisible ({found}) : une "
            "tabulation, un saut de ligne, un caractère de largeur nulle ou une marque de direction.",
            "Saisissez de nouveau la valeur sur une ligne; si elle a été collée, collez-la en texte brut.",
        ),
    },
    "text_formula": {
        "en": (
            "The value of '{column}' begins with '{first}', which a spreadsheet program runs as a formula.",
            "Begin the value with a letter or a digit.",
        ),
        "fr": (
            "La valeur de « {column} » commence par « {first} », qu'un tableur exécute comme une formule.",
            "Commencez la valeur par une lettre ou un chiffre.",
        ),
    },
    "no_data": {
        "en": ("The file has no data rows in any sheet.", "Check that you exported the right quarter."),
        "fr": ("Le fichier n'a aucune ligne de données.", "Vérifiez que vous avez exporté le bon trimestre."),
    },
}

HEADINGS = {
    "en": {
        "title": "Validation report",
        "accepted": "Accepted",
        "rejected": "Rejected",
        "file": "File",
        "agency": "Agency",
        "quarter": "Quarter",
        "sha256": "SHA-256",
        "errors": "Errors",
        "warnings": "Warnings",
        "summary": "Summary",
        "details": "Details",
        "sheet": "Sheet",
        "row": "Row",
        "column": "Column",
        "value": "Value",
        "rule": "Rule",
        "problem": "Problem",
        "fix": "How to fix it",
        "severity": "Severity",
        "error": "error",
        "warning": "warning",
        "rows": "Rows read",
        "more": "{count} more rows break this rule and are not listed.",
        "accepted_text": "The file was accepted and will be loaded into the warehouse.",
        "rejected_text": "The file was rejected: nothing from it was loaded. Fix the errors below and upload "
        "the corrected file.",
    },
    "fr": {
        "title": "Rapport de validation",
        "accepted": "Accepté",
        "rejected": "Rejeté",
        "file": "Fichier",
        "agency": "Organisme",
        "quarter": "Trimestre",
        "sha256": "SHA-256",
        "errors": "Erreurs",
        "warnings": "Avertissements",
        "summary": "Sommaire",
        "details": "Détails",
        "sheet": "Feuille",
        "row": "Ligne",
        "column": "Colonne",
        "value": "Valeur",
        "rule": "Règle",
        "problem": "Problème",
        "fix": "Comment corriger",
        "severity": "Gravité",
        "error": "erreur",
        "warning": "avertissement",
        "rows": "Lignes lues",
        "more": "{count} autres lignes enfreignent cette règle et ne sont pas énumérées.",
        "accepted_text": "Le fichier a été accepté et sera versé dans l'entrepôt.",
        "rejected_text": "Le fichier a été rejeté : rien n'en a été versé. Corrigez les erreurs ci-dessous et "
        "téléversez le fichier corrigé.",
    },
}


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
        what, fix = RULES[self.rule][lang]
        values = _Blank(dict(self.params))
        values.update(sheet=self.sheet or "", column=self.column or "", value=_shown(self.value))
        return what.format_map(values), fix.format_map(values)


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


def _shown(value: str | None) -> str:
    if value is None:
        return ""
    return value if len(value) <= 80 else value[:77] + "..."


@dataclass
class Report:
    file_name: str
    agency: str = ""
    quarter: str = ""
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def accepted(self) -> bool:
        return not self.errors

    def summary(self) -> Counter:
        return Counter((p.severity, p.sheet or "", p.rule) for p in self.problems)

    def listed(self) -> list[Problem]:
        """Problems in report order, at most MAX_ROWS_PER_RULE per sheet and rule."""
        seen: Counter = Counter()
        out = []
        for p in sorted(self.problems, key=_order):
            seen[(p.sheet, p.rule)] += 1
            if seen[(p.sheet, p.rule)] <= MAX_ROWS_PER_RULE:
                out.append(p)
        return out

    def write_csv(self, path: Path, lang: str) -> None:
        h = HEADINGS[lang]
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            # A rejected value is quoted as the agency typed it, formulas included.
            writer = csv_safe.writer(handle)
            writer.writerow(
                [h["severity"], h["sheet"], h["row"], h["column"], h["value"], h["rule"], h["problem"], h["fix"]]
            )
            for p in self.listed():
                what, fix = p.text(lang)
                writer.writerow(
                    [h[p.severity], p.sheet or "", p.row or "", p.column or "", p.value or "", p.rule, what, fix]
                )

    def write_html(self, path: Path, lang: str) -> None:
        path.write_text(self.html(lang), encoding="utf-8")

    def html(self, lang: str) -> str:
        h = HEADINGS[lang]
        e = html.escape
        status = h["accepted"] if self.accepted else h["rejected"]
        colour = "#1b7f3b" if self.accepted else "#b00020"
        out = [
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{e(h["title"])}: '
            f"{e(self.file_name)}</title><style>body{{font-family:sans-serif;margin:2em;max-width:75em}}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
            "vertical-align:top}th{background:#f3f3f3}.status{font-size:1.4em;font-weight:bold}</style></head>"
            f"<body><h1>{e(h['title'])}</h1>",
            f'<p class="status" style="color:{colour}">{e(status)}</p>',
            f"<p>{e(h['accepted_text'] if self.accepted else h['rejected_text'])}</p>",
            "<table>",
        ]
        for key, value in (
            ("file", self.file_name),
            ("agency", self.agency),
            ("quarter", self.quarter),
            ("sha256", self.sha256),
            ("errors", len(self.errors)),
            ("warnings", len(self.warnings)),
        ):
            out.append(f"<tr><th>{e(h[key])}</th><td>{e(str(value))}</td></tr>")
        out.append(
            f"</table><h2>{e(h['summary'])}</h2><table><tr><th>{e(h['severity'])}</th><th>{e(h['sheet'])}"
            f"</th><th>{e(h['problem'])}</th><th>#</th></tr>"
        )
        for (severity, sheet, rule), count in sorted(
            self.summary().items(), key=lambda kv: (kv[0][0] != "error", kv[0][1], kv[0][2])
        ):
            example = next(p for p in self.problems if (p.severity, p.sheet or "", p.rule) == (severity, sheet, rule))
            out.append(
                f"<tr><td>{e(h[severity])}</td><td>{e(sheet)}</td><td>{e(example.text(lang)[0])}</td>"
                f"<td>{count}</td></tr>"
            )
        out.append(
            f"</table><h2>{e(h['details'])}</h2><table><tr>"
            + "".join(f"<th>{e(h[k])}</th>" for k in ("severity", "sheet", "row", "column", "value", "problem", "fix"))
            + "</tr>"
        )
        for p in self.listed():
            what, fix = p.text(lang)
            cells = (h[p.severity], p.sheet or "", p.row or "", p.column or "", _shown(p.value), what, fix)
            out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells) + "</tr>")
        out.append("</table>")
        hidden = len(self.problems) - len(self.listed())
        if hidden:
            out.append(f"<p>{e(h['more'].format(count=hidden))}</p>")
        if self.rows_read:
            out.append(f"<h2>{e(h['rows'])}</h2><table>")
            out += [f"<tr><th>{e(s)}</th><td>{n}</td></tr>" for s, n in self.rows_read.items()]
            out.append("</table>")
        out.append("</body></html>\n")
        return "".join(out)


# File-level and structural problems first: they explain the others.
_FIRST = (
    "check_interrupted",
    "over_limit",
    "read_stopped",
    "file_empty",
    "file_unreadable",
    "sheet_missing",
    "column_missing",
    "column_duplicate",
    "identifier_column",
    "identifier_value",
)


def _order(p: Problem):
    rank = _FIRST.index(p.rule) if p.rule in _FIRST else len(_FIRST)
    return (p.severity != "error", rank, p.sheet or "", p.rule, p.row or 0, p.column or "")
