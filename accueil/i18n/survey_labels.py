"""The labels of client feedback (issue 20): the survey results on the funders', council and agency
pages, and the agency page's form for survey files."""

from __future__ import annotations

from accueil.contract import survey_contract

SURVEY_LABELS: dict[str, dict[str, str]] = {
    "survey.title": {"en": "Client feedback", "fr": "Rétroaction de la clientèle"},
    "survey.intro": {
        "en": "What clients say in the partnership's and the agencies' own short surveys: for each question, the "
        "share of responses that agree (4 or 5 out of 5) or say yes, with its 95% interval. The denominator is the "
        "survey's responses (a question left blank counts as not agreeing). Small cells are withheld (x), never "
        "shown as zero.",
        "fr": "Ce que la clientèle dit dans les courts sondages du partenariat et des organismes : pour chaque "
        "question, la part des réponses en accord (4 ou 5 sur 5) ou affirmatives, avec son intervalle à 95 %. Le "
        "dénominateur est le nombre de réponses au sondage (une question laissée vide compte comme un désaccord). "
        "Les petites cellules sont masquées (x), jamais affichées comme zéro.",
    },
    "survey.none": {
        "en": "No client feedback file has been published yet.",
        "fr": "Aucun fichier de rétroaction de la clientèle n'a encore été publié.",
    },
    "survey.survey": {"en": "Survey", "fr": "Sondage"},
    "survey.scope": {"en": "Clients of", "fr": "Clientèle de"},
    "survey.item": {"en": "Question", "fr": "Question"},
    "survey.kind": {"en": "Scale", "fr": "Échelle"},
    "survey.kind.likert": {"en": "Agree (4-5 of 5)", "fr": "En accord (4-5 sur 5)"},
    "survey.kind.yes_no": {"en": "Yes", "fr": "Oui"},
    "survey.agreeing": {"en": "Agreeing or yes", "fr": "En accord ou oui"},
    "survey.share": {"en": "Share", "fr": "Part"},
    "survey.responses": {"en": "Responses", "fr": "Réponses"},
    "survey.stream": {"en": "Service stream", "fr": "Volet de service"},
    "survey.all_streams": {"en": "All streams", "fr": "Tous les volets"},
    "survey.by_stream": {
        "en": "“{item}”, by service stream ({scope}, {period})",
        "fr": "« {item} », par volet de service ({scope}, {period})",
    },
    "survey.by_agency": {
        "en": "“{item}”, by agency ({period})",
        "fr": "« {item} », par organisme ({period})",
    },
    "survey.items": {
        "en": "All questions ({scope}, {period})",
        "fr": "Toutes les questions ({scope}, {period})",
    },
    "survey.own_and_region": {
        "en": "Your clients beside the region's ({period})",
        "fr": "Votre clientèle à côté de celle de la région ({period})",
    },
    "survey.upload": {"en": "Send a client feedback file", "fr": "Transmettre un fichier de rétroaction"},
    "survey.upload_intro": {
        "en": "A CSV or XLSX file of your clients' answers to a short survey, laid out as docs/extract-contract.md "
        "says (Client feedback files): one row per response, the survey's code and period, the fixed questions, "
        "and no free text. A corrected file for the same survey and period replaces the earlier one.",
        "fr": "Un fichier CSV ou XLSX des réponses de votre clientèle à un court sondage, présenté comme l'indique "
        "docs/extract-contract.md (Fichiers de rétroaction de la clientèle) : une ligne par réponse, le code du "
        "sondage et la période, les questions fixes, et aucun texte libre. Un fichier corrigé pour le même "
        "sondage et la même période remplace le précédent.",
    },
    "survey.file": {"en": "Survey file (CSV or XLSX)", "fr": "Fichier du sondage (CSV ou XLSX)"},
    "survey.submit": {"en": "Send the survey file", "fr": "Transmettre le fichier du sondage"},
    "survey.accepted": {
        "en": "{file} is accepted (upload {upload_id}: survey {survey}, {period}). It is published with the next "
        "build.",
        "fr": "{file} est accepté (téléversement {upload_id} : sondage {survey}, {period}). Il sera publié à la "
        "prochaine construction.",
    },
    "survey.rejected": {
        "en": "{file} is rejected with {errors} error(s): nothing from it is loaded. The rows and columns are below.",
        "fr": "{file} est refusé, avec {errors} erreur(s) : rien n'en est chargé. Les lignes et colonnes sont "
        "ci-dessous.",
    },
}

# Each question's wording is the contract's own (accueil/contract/survey_v1.yaml), in both languages.
SURVEY_LABELS.update(
    {
        f"survey.item.{c.name}": {"en": c.label_en, "fr": c.label_fr}
        for c in survey_contract().sheet("Responses").columns
        if c.type == "integer" or c.codelist == "yes_no"
    }
)
