"""What the door says about a file as a whole: unreadable, over a limit, missing sheets or columns, identifiers.

rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
"""

from __future__ import annotations

FILE_RULES: dict[str, dict[str, tuple[str, str]]] = {
    "quarter_mismatch": {
        "en": (
            "This file was uploaded as {declared}, but its dates are in {found} ({dated} of its {total} dated rows).",
            "Upload it again as {found} (--quarter {found}, or {found} chosen on the agency page); the row errors "
            "below about dates outside {declared} then go away.",
        ),
        "fr": (
            "Ce fichier a été téléversé pour {declared}, mais ses dates sont en {found} ({dated} de ses {total} "
            "lignes datées).",
            "Téléversez-le de nouveau pour {found} (--quarter {found}, ou {found} choisi sur la page de "
            "l'organisme); les erreurs de lignes ci-dessous sur les dates hors de {declared} disparaîtront alors.",
        ),
    },
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
    "sheet_extra": {
        "en": (
            "The sheet '{sheet}' is not one of the file's sheets: a file with any other sheet is refused, "
            "whatever the sheet holds.",
            "Remove the sheet (or rename it, if it is one of the contract's sheets under another name) and upload "
            "the file again.",
        ),
        "fr": (
            "La feuille « {sheet} » ne fait pas partie des feuilles du fichier : un fichier qui en a une autre est "
            "refusé, quel qu'en soit le contenu.",
            "Supprimez la feuille (ou renommez-la, s'il s'agit d'une feuille du contrat sous un autre nom) et "
            "téléversez de nouveau le fichier.",
        ),
    },
    "quarter_out_of_range": {
        "en": (
            "The quarter {value} is not one an extract can be uploaded for: from {earliest} to {latest} (the "
            "quarter after the current one).",
            "Upload the extract for the quarter it covers (--quarter YYYYQn, or the quarter chosen on the agency "
            "page).",
        ),
        "fr": (
            "Le trimestre {value} n'est pas un trimestre pour lequel un extrait peut être téléversé : de {earliest} "
            "à {latest} (le trimestre qui suit le trimestre en cours).",
            "Téléversez l'extrait pour le trimestre qu'il couvre (--quarter AAAAQn, ou le trimestre choisi sur la "
            "page de l'organisme).",
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
            "Remove direct identifiers: the extract must be anonymised (the dashboards' Help page lists them).",
        ),
        "fr": (
            "Cette cellule ressemble à {kind_fr}; le fichier a été mis en quarantaine et la valeur n'est pas versée "
            "dans l'entrepôt.",
            "Retirez les identifiants directs : l'extrait doit être anonymisé.",
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
    "no_data": {
        "en": ("The file has no data rows in any sheet.", "Check that you exported the right quarter."),
        "fr": ("Le fichier n'a aucune ligne de données.", "Vérifiez que vous avez exporté le bon trimestre."),
    },
}
