"""What the door says about client feedback files (accueil/ingest/survey.py).

rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
A refused column's cells are never quoted: they may be the very free text the rule keeps out.
"""

from __future__ import annotations

SURVEY_RULES: dict[str, dict[str, tuple[str, str]]] = {
    "survey_free_text": {
        "en": (
            "The column '{column}' is not one of the survey's items and holds text: a feedback file holds no free "
            "text, which can name or describe a client.",
            "Remove the column '{column}' before sending; keep only the columns of docs/extract-contract.md "
            "(Client feedback files).",
        ),
        "fr": (
            "La colonne « {column} » n'est pas une question du sondage et contient du texte : un fichier de "
            "rétroaction ne contient aucun texte libre, qui peut nommer ou décrire une personne.",
            "Retirez la colonne « {column} » avant l'envoi; gardez seulement les colonnes de "
            "docs/extract-contract.md (Fichiers de rétroaction de la clientèle).",
        ),
    },
    "survey_item_unknown": {
        "en": (
            "The column '{column}' is not one of the survey's items ({items}).",
            "Remove it, or ask the partnership to add the item to the survey contract first.",
        ),
        "fr": (
            "La colonne « {column} » n'est pas une question du sondage ({items}).",
            "Retirez-la, ou demandez au partenariat d'ajouter d'abord la question au contrat du sondage.",
        ),
    },
    "survey_mixed": {
        "en": (
            "This row's {column} '{value}' differs from the first row's ('{first}'): a file holds one survey and one "
            "period.",
            "Send each survey and each period in its own file.",
        ),
        "fr": (
            "La valeur « {value} » de {column} de cette ligne diffère de celle de la première ligne (« {first} ») : "
            "un fichier contient un seul sondage et une seule période.",
            "Envoyez chaque sondage et chaque période dans un fichier distinct.",
        ),
    },
    "survey_agency_other": {
        "en": (
            "The agency code '{value}' is not the agency this file is uploaded for ({agency}).",
            "An agency sends its own clients' answers only; correct the code or upload the file for that agency.",
        ),
        "fr": (
            "Le code d'organisme « {value} » n'est pas celui de l'organisme pour lequel le fichier est envoyé "
            "({agency}).",
            "Un organisme n'envoie que les réponses de sa propre clientèle; corrigez le code ou envoyez le fichier "
            "pour cet organisme.",
        ),
    },
    "survey_client_twice": {
        "en": (
            "The same client key answers this survey again (first on row {first}): a client answers once a period.",
            "Keep one response per client, or leave the client key blank where it is not known.",
        ),
        "fr": (
            "La même clé de client répond de nouveau à ce sondage (d'abord à la ligne {first}) : une personne "
            "répond une fois par période.",
            "Gardez une réponse par personne, ou laissez la clé vide si elle n'est pas connue.",
        ),
    },
}
