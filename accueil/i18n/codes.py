"""Labels of codes: outcomes, breakdowns, statuses, units, and the marts' codes that no code list labels."""

from __future__ import annotations

from accueil import outcomes

# Codes of the marts that have no row in dim_code_value (which labels the code lists).
CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "age_band": {
        "0-14": ("0 to 14", "0 à 14 ans"),
        "15-24": ("15 to 24", "15 à 24 ans"),
        "25-64": ("25 to 64", "25 à 64 ans"),
        "65+": ("65 and over", "65 ans et plus"),
    },
    "target_group": {
        "women": ("Women", "Femmes"),
        "youth": ("Youth", "Jeunes"),
        "seniors": ("Seniors", "Aînés"),
        "refugees": ("Refugees", "Réfugiés"),
        "francophones": ("Francophones", "Francophones"),
        "lgbtq2": ("2SLGBTQ+", "2ELGBTQ+"),
        "disability": ("Persons with disabilities", "Personnes en situation de handicap"),
    },
    "all": {"all": ("All clients", "Tous les clients")},
}

# The outcomes' names are the outcome catalogue's (seeds/outcome_catalogue.csv, accueil.outcomes), so an
# outcome is named in one place; here they sit beside the other codes' names, as `outcome.<code>` labels.
OUTCOMES: dict[str, tuple[str, str]] = outcomes.labels()

BREAKDOWNS = {
    "all": ("All clients", "Tous les clients"),
    "gender": ("Gender", "Genre"),
    "age_band": ("Age group", "Groupe d'âge"),
    "immigration_category": ("Immigration category", "Catégorie d'immigration"),
    "official_language": ("Official language", "Langue officielle"),
    "target_group": ("Target group", "Groupe cible"),
    "community_size": ("Community size", "Taille de la collectivité"),
    "gender_x_immigration_category": (
        "Gender × immigration category",
        "Genre × catégorie d'immigration",
    ),
}

STATUSES = {
    "improved": ("Improved", "Amélioration"),
    "worsened": ("Worsened", "Détérioration"),
    "no_clear_change": ("No clear change", "Pas de changement net"),
    "no_baseline": ("No baseline", "Aucune référence"),
}

UNITS = {
    "percent": ("%", "%"),
    "rate_per_100k": ("per 100,000", "pour 100 000"),
    "count": ("count", "nombre"),
    "ratio": ("ratio", "ratio"),
    "days": ("days", "jours"),
    "points": ("points", "points"),
}

UPLOAD_STATUSES = {
    "received": ("Received", "Reçu"),
    "accepted": ("Accepted", "Accepté"),
    "rejected": ("Rejected", "Rejeté"),
    "loaded": ("Loaded", "Versé"),
    "superseded": ("Superseded", "Remplacé"),
}

# Where an upload stands on its way to the published figures (accueil.publication).
PUBLICATION_STATES = {
    "received": ("Being validated", "En validation"),
    "rejected": ("Rejected", "Rejeté"),
    "superseded": ("Replaced by a newer file", "Remplacé par un fichier plus récent"),
    "waiting": ("Validated, waiting for the next build", "Validé, en attente de la prochaine construction"),
    "building": ("Building", "En construction"),
    "published": ("Published", "Publié"),
    "failed": ("Build failed", "Échec de la construction"),
}


def code_label(list_name: str, code: str, lang: str, catalogue: dict | None = None) -> str:
    """The label of a code: from the marts' code lists when given, else Accueil's own; the code itself last."""
    if list_name == "gender_x_immigration_category" and "|" in code:
        gender, category = code.split("|", 1)
        return (
            f"{code_label('gender', gender, lang, catalogue)} × "
            f"{code_label('immigration_category', category, lang, catalogue)}"
        )
    if catalogue and (list_name, code) in catalogue:
        return catalogue[(list_name, code)][0 if lang == "en" else 1]
    pair = CODE_LABELS.get(list_name, {}).get(code)
    if pair:
        return pair[0 if lang == "en" else 1]
    return code
