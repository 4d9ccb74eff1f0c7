"""The labels of the quarterly report (accueil.quarterly) and of its page."""

from __future__ import annotations

QUARTERLY_LABELS: dict[str, dict[str, str]] = {
    "page.report": {"en": "Quarterly report", "fr": "Rapport trimestriel"},
    "quarterly.title": {"en": "Quarterly report, {quarter}", "fr": "Rapport trimestriel, {quarter}"},
    "quarterly.intro": {
        "en": "Outcomes against outputs, indicators against their baselines, and who sent the quarter, from the "
        "published data of {published}. Counts under the threshold are suppressed ({mark}), never shown as "
        "zero. Each agency may add a note to its own section; an admin approves the report before funders and "
        "the council can download it.",
        "fr": "Les résultats par rapport aux extrants, les indicateurs par rapport à leur référence, et qui a "
        "transmis le trimestre, d'après les données publiées le {published}. Les décomptes sous le seuil sont "
        "supprimés ({mark}), jamais affichés comme zéro. Chaque organisme peut ajouter une note à sa propre "
        "section; un administrateur approuve le rapport avant que les bailleurs de fonds et le conseil "
        "puissent le télécharger.",
    },
    "quarterly.state.none": {"en": "Not drafted yet.", "fr": "Pas encore rédigé."},
    "quarterly.state.draft": {
        "en": "Draft of {at} by {by}: not approved yet.",
        "fr": "Ébauche du {at} par {by} : pas encore approuvée.",
    },
    "quarterly.state.approved": {"en": "Approved on {at} by {by}.", "fr": "Approuvé le {at} par {by}."},
    "quarterly.state.stale": {
        "en": "Approved on {at} by {by}, but the data or the notes changed since: a draft again until approved anew.",
        "fr": "Approuvé le {at} par {by}, mais les données ou les notes ont changé depuis : de nouveau une "
        "ébauche jusqu'à une nouvelle approbation.",
    },
    "quarterly.submissions": {"en": "Who sent the quarter", "fr": "Qui a transmis le trimestre"},
    "quarterly.submissions_hidden": {
        "en": "Submission status is shown to the council, admins and each agency for its own.",
        "fr": "La situation des transmissions est présentée au conseil, aux administrateurs et à chaque "
        "organisme pour le sien.",
    },
    "quarterly.outcomes": {"en": "Outcomes against outputs", "fr": "Résultats par rapport aux extrants"},
    "quarterly.indicators": {
        "en": "Welcoming-community indicators against their baselines",
        "fr": "Indicateurs de collectivité accueillante par rapport à leur référence",
    },
    "quarterly.agencies": {"en": "The agencies' sections", "fr": "Les sections des organismes"},
    "quarterly.no_note": {"en": "No note from this agency.", "fr": "Aucune note de cet organisme."},
    "quarterly.note_by": {"en": "Note by {by}, {at}:", "fr": "Note de {by}, {at} :"},
    "quarterly.suppressed": {
        "en": "{mark}: suppressed (under {threshold}, or would give a suppressed count back); never zero.",
        "fr": "{mark} : supprimé (moins de {threshold}, ou permettrait de retrouver un décompte supprimé); "
        "jamais zéro.",
    },
    "quarterly.indicator": {"en": "Indicator", "fr": "Indicateur"},
    "quarterly.geography": {"en": "Geography", "fr": "Territoire"},
    "quarterly.period": {"en": "Latest period", "fr": "Dernière période"},
    "quarterly.value": {"en": "Value", "fr": "Valeur"},
    "quarterly.baseline": {"en": "Baseline", "fr": "Référence"},
    "quarterly.status": {"en": "Status", "fr": "Situation"},
    "quarterly.quarter": {"en": "Quarter", "fr": "Trimestre"},
    "quarterly.draft": {
        "en": "Write the draft from the published data",
        "fr": "Rédiger l'ébauche d'après les données publiées",
    },
    "quarterly.drafted": {"en": "Draft written.", "fr": "Ébauche rédigée."},
    "quarterly.approve": {"en": "Approve this report", "fr": "Approuver ce rapport"},
    "quarterly.approved": {"en": "Approved.", "fr": "Approuvé."},
    "quarterly.approve_first_draft": {
        "en": "Write the draft of the current data before approving it.",
        "fr": "Rédigez l'ébauche des données actuelles avant de l'approuver.",
    },
    "quarterly.my_note": {"en": "My agency's note on its section", "fr": "Note de mon organisme sur sa section"},
    "quarterly.note_agency": {"en": "Agency whose note to write", "fr": "Organisme dont écrire la note"},
    "quarterly.save_note": {"en": "Save the note", "fr": "Enregistrer la note"},
    "quarterly.note_saved": {
        "en": "Note saved: an admin approves the report again before it is shared.",
        "fr": "Note enregistrée : un administrateur approuve de nouveau le rapport avant qu'il soit diffusé.",
    },
    "quarterly.download_html": {"en": "Download the report (HTML)", "fr": "Télécharger le rapport (HTML)"},
    "quarterly.download_pdf": {"en": "Download the report (PDF)", "fr": "Télécharger le rapport (PDF)"},
    "quarterly.not_approved": {
        "en": "This report is not approved yet: it can be downloaded once an admin approves it.",
        "fr": "Ce rapport n'est pas encore approuvé : il pourra être téléchargé dès qu'un administrateur "
        "l'aura approuvé.",
    },
}
