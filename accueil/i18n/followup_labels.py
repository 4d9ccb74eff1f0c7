"""The labels of the follow-ups page: open referrals and overdue follow-ups."""

from __future__ import annotations

FOLLOWUP_LABELS: dict[str, dict[str, str]] = {
    "page.followups": {"en": "Open referrals and follow-ups", "fr": "Aiguillages ouverts et suivis"},
    "followups.intro": {
        "en": "Referrals still waiting for a service, and clients whose follow-up is overdue, as of the end of "
        "the data. The partnership sees how many per agency; each agency sees the list of its own, by record "
        "id. A client who did not consent is counted here but never listed.",
        "fr": "Les aiguillages qui attendent encore un service, et les clients dont le suivi est en retard, à la "
        "fin des données. Le partenariat voit combien il y en a par organisme; chaque organisme voit la liste "
        "des siens, par numéro d'enregistrement. Un client qui n'a pas consenti est compté ici, mais jamais "
        "listé.",
    },
    "followups.rule_referral": {
        "en": "A referral is open when no service in the referred stream at the receiving agency has answered it "
        "{days} days or more after it ({how}).",
        "fr": "Un aiguillage est ouvert lorsqu'aucun service du volet visé n'y a répondu chez l'organisme qui le "
        "reçoit {days} jours ou plus après l'aiguillage ({how}).",
    },
    "followups.rule_followup": {
        "en": "A follow-up is overdue when 12 months (365 days) have passed since the client's first employment "
        "service and no follow-up is recorded since, at any agency.",
        "fr": "Un suivi est en retard lorsque 12 mois (365 jours) se sont écoulés depuis le premier service "
        "d'emploi du client et qu'aucun suivi n'a été consigné depuis, dans aucun organisme.",
    },
    "followups.days_set": {"en": "set by the partnership", "fr": "nombre fixé par le partenariat"},
    "followups.days_default": {"en": "the default", "fr": "valeur par défaut"},
    "followups.days_how": {
        "en": "An admin changes it with `accueil followups open-days N`; it applies from the next build.",
        "fr": "Un administrateur le modifie avec `accueil followups open-days N`; il s'applique dès la "
        "prochaine construction.",
    },
    "followups.days_pending": {
        "en": "These figures were built with {built} days; the next build uses {days}.",
        "fr": "Ces chiffres ont été calculés avec {built} jours; la prochaine construction utilisera {days}.",
    },
    "followups.as_of": {"en": "As of {date}, the end of the data.", "fr": "Au {date}, fin des données."},
    "followups.counts": {"en": "Counts for the partnership", "fr": "Décomptes pour le partenariat"},
    "followups.agency": {"en": "Agency", "fr": "Organisme"},
    "followups.open_referrals": {"en": "Open referrals", "fr": "Aiguillages ouverts"},
    "followups.overdue": {"en": "Overdue follow-ups", "fr": "Suivis en retard"},
    "followups.lists": {"en": "Lists of my clients", "fr": "Listes de mes clients"},
    "followups.pick": {"en": "Agency whose lists to see", "fr": "Organisme dont voir les listes"},
    "followups.lists_note": {
        "en": "By record id, as your extract names them; clients who did not consent are not listed.",
        "fr": "Par numéro d'enregistrement, comme votre extrait les nomme; les clients qui n'ont pas consenti "
        "ne sont pas listés.",
    },
    "followups.quarter": {"en": "Extract quarter", "fr": "Trimestre de l'extrait"},
    "followups.record_id": {"en": "Record id", "fr": "No d'enregistrement"},
    "followups.to_agency": {"en": "Referred to", "fr": "Aiguillé vers"},
    "followups.stream": {"en": "Service", "fr": "Service"},
    "followups.referral_date": {"en": "Referred on", "fr": "Aiguillé le"},
    "followups.days_open": {"en": "Days open", "fr": "Jours ouvert"},
    "followups.first_employment": {"en": "First employment service", "fr": "Premier service d'emploi"},
    "followups.due_date": {"en": "Follow-up due", "fr": "Suivi attendu le"},
    "followups.days_overdue": {"en": "Days overdue", "fr": "Jours de retard"},
    "followups.not_published": {
        "en": "The agencies' lists are not published yet: they come with the next build.",
        "fr": "Les listes des organismes ne sont pas encore publiées : elles viendront avec la prochaine construction.",
    },
}
