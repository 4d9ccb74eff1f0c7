"""The labels of submission tracking: the submissions page and the agency page's own status."""

from __future__ import annotations

SUBMISSION_LABELS: dict[str, dict[str, str]] = {
    "page.submissions": {"en": "Submissions", "fr": "Transmissions"},
    "submissions.intro": {
        "en": "Which agencies sent an accepted extract for the quarter, which were rejected and have not "
        "corrected it, and which sent nothing, against the quarter's due date. Read live from the upload "
        "register: a decision shows here the moment it is made, before any build.",
        "fr": "Les organismes qui ont transmis un extrait accepté pour le trimestre, ceux dont l'extrait a été "
        "refusé et pas encore corrigé, et ceux qui n'ont rien transmis, par rapport à la date limite du "
        "trimestre. Lu directement dans le registre des téléversements : une décision s'affiche ici dès "
        "qu'elle est prise, avant toute construction.",
    },
    "submissions.quarter": {"en": "Quarter", "fr": "Trimestre"},
    "submissions.due": {"en": "Due on {date}", "fr": "À transmettre au plus tard le {date}"},
    "submissions.due_default": {
        "en": "the default: 30 days after the quarter ends",
        "fr": "par défaut : 30 jours après la fin du trimestre",
    },
    "submissions.due_set": {"en": "set by an admin", "fr": "fixée par un administrateur"},
    "submissions.due_how": {
        "en": "An admin changes it with `accueil submissions due QUARTER YYYY-MM-DD`.",
        "fr": "Un administrateur la modifie avec `accueil submissions due TRIMESTRE AAAA-MM-JJ`.",
    },
    "submissions.agency": {"en": "Agency", "fr": "Organisme"},
    "submissions.name": {"en": "Name", "fr": "Nom"},
    "submissions.status": {"en": "Status", "fr": "Situation"},
    "submissions.late": {"en": "Late", "fr": "En retard"},
    "submissions.upload_id": {"en": "Upload", "fr": "Téléversement"},
    "submissions.received": {"en": "Received", "fr": "Reçu"},
    "submissions.attempts": {"en": "Uploads", "fr": "Téléversements"},
    "submissions.rejected_attempts": {"en": "Rejected", "fr": "Refusés"},
    "submissions.due_date": {"en": "Due date", "fr": "Date limite"},
    "submissions.yes": {"en": "yes", "fr": "oui"},
    "submissions.no": {"en": "no", "fr": "non"},
    "submissions.state.accepted": {"en": "accepted", "fr": "accepté"},
    "submissions.state.checking": {"en": "being checked", "fr": "en vérification"},
    "submissions.state.rejected": {"en": "rejected, not corrected", "fr": "refusé, non corrigé"},
    "submissions.state.missing": {"en": "nothing sent", "fr": "rien transmis"},
    "submissions.count": {"en": "{state}: {count}", "fr": "{state} : {count}"},
    "submissions.own": {"en": "My submissions and due dates", "fr": "Mes transmissions et dates limites"},
    "submissions.own_line": {
        "en": "{quarter}: {state}, due on {date}.",
        "fr": "{quarter} : {state}, à transmettre au plus tard le {date}.",
    },
    "submissions.own_late": {"en": "{quarter}: late.", "fr": "{quarter} : en retard."},
    "agency.proposed_dates": {
        "en": "{quarter}: the quarter the dates in this file are in.",
        "fr": "{quarter} : le trimestre où se trouvent les dates de ce fichier.",
    },
    "agency.proposed_name": {
        "en": "{quarter}: the quarter in this file's name (it has no dates to read).",
        "fr": "{quarter} : le trimestre indiqué dans le nom de ce fichier (il n'a pas de dates à lire).",
    },
    "agency.proposed_other_dates": {
        "en": "The dates in this file are in {quarter}, not in {chosen}: choose {quarter} unless you mean otherwise.",
        "fr": "Les dates de ce fichier sont en {quarter}, et non en {chosen} : choisissez {quarter}, sauf "
        "intention contraire.",
    },
    "agency.proposed_other_name": {
        "en": "This file's name says {quarter}, not {chosen}: choose {quarter} unless you mean otherwise.",
        "fr": "Le nom de ce fichier indique {quarter}, et non {chosen} : choisissez {quarter}, sauf intention "
        "contraire.",
    },
    "agency.proposed_unavailable": {
        "en": "The dates in this file are in {quarter}, a quarter that cannot be uploaded here.",
        "fr": "Les dates de ce fichier sont en {quarter}, un trimestre qui ne peut pas être téléversé ici.",
    },
}
