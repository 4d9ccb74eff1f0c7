"""What the door says about the council's indicator files (observations and baselines): accueil/indicators/files.py.

rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
"""

from __future__ import annotations

INDICATOR_RULES: dict[str, dict[str, tuple[str, str]]] = {
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
}
