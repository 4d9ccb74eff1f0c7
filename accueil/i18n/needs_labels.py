"""The labels of the needs-met and client-voice sections of the funders', council and agency pages."""

from __future__ import annotations

NEEDS_LABELS: dict[str, dict[str, str]] = {
    "funders.needs": {
        "en": "Needs met beside the services that should have met them",
        "fr": "Besoins comblés et services qui devaient y répondre",
    },
    "funders.needs_intro": {
        "en": "Each need clients named at a needs assessment in the quarter, whether it was met within 180 days "
        "(by a service in a stream that serves it, at any agency, or by a referral for a need no stream serves), "
        "beside the services the same agency gave in those streams that quarter. Needs whose 180 days have not "
        "ended are not counted yet.",
        "fr": "Chaque besoin nommé par les clients lors d'une évaluation des besoins au trimestre, s'il a été comblé "
        "dans les 180 jours (par un service d'un volet qui y répond, à tout organisme, ou par un aiguillage pour un "
        "besoin qu'aucun volet ne sert), à côté des services que le même organisme a donnés dans ces volets ce "
        "trimestre-là. Les besoins dont les 180 jours ne sont pas écoulés ne sont pas encore comptés.",
    },
    # Not "Agency": the browser test finds the programs' agency selectbox by that text.
    "funders.needs_agency": {"en": "Needs named at", "fr": "Besoins nommés à"},
    "needs.all_agencies": {"en": "All agencies", "fr": "Tous les organismes"},
    "needs.need": {"en": "Need", "fr": "Besoin"},
    "needs.streams": {"en": "Streams that serve it", "fr": "Volets qui y répondent"},
    "needs.referral_only": {"en": "none: met by a referral", "fr": "aucun : comblé par un aiguillage"},
    "needs.named": {"en": "Needs named", "fr": "Besoins nommés"},
    "needs.met": {"en": "Met within 180 days", "fr": "Comblés dans les 180 jours"},
    "needs.unmet": {"en": "Not met", "fr": "Non comblés"},
    "needs.share_unmet": {"en": "Share not met", "fr": "Part non comblée"},
    "needs.services": {
        "en": "Services in those streams (same agency and quarter)",
        "fr": "Services de ces volets (même organisme et trimestre)",
    },
    "needs.no_quarter": {
        "en": "No quarter has needs whose 180 days have ended yet.",
        "fr": "Aucun trimestre n'a encore de besoins dont les 180 jours sont écoulés.",
    },
    "council.voice": {
        "en": "Client voice and needs met",
        "fr": "La voix des clients et les besoins comblés",
    },
    "council.voice_intro": {
        "en": "What clients say at their first follow-up, and whether the needs they named were met: the region's "
        "figures over the whole period. Their indicators, with baselines and status, are in the table above "
        "(characteristics 2, 5 and 7).",
        "fr": "Ce que disent les clients à leur premier suivi, et si les besoins qu'ils ont nommés ont été comblés : "
        "les chiffres de la région sur toute la période. Leurs indicateurs, avec valeur de référence et situation, "
        "figurent dans le tableau ci-dessus (caractéristiques 2, 5 et 7).",
    },
    "council.francophones": {"en": "Francophone clients", "fr": "Clients francophones"},
    "council.francophones_intro": {
        "en": "Clients whose official language is French: whether they were served in French, overall and by "
        "stream, beside their needs met and what they say, over the whole period.",
        "fr": "Clients dont la langue officielle est le français : s'ils ont été servis en français, dans "
        "l'ensemble et par volet, à côté de leurs besoins comblés et de ce qu'ils disent, sur toute la période.",
    },
    "agency.unmet": {
        "en": "Needs named at your assessments and not met",
        "fr": "Besoins nommés lors de vos évaluations et non comblés",
    },
    "agency.unmet_intro": {
        "en": "Over the whole period: each need your clients named at your needs assessments, and how many were "
        "not met within 180 days at any agency of the partnership.",
        "fr": "Sur toute la période : chaque besoin nommé par vos clients lors de vos évaluations des besoins, et "
        "combien n'ont pas été comblés dans les 180 jours par un organisme du partenariat.",
    },
    "agency.voice": {"en": "What your clients say", "fr": "Ce que disent vos clients"},
    "agency.voice_intro": {
        "en": "Your clients' answers at their first follow-up (attributed to the agency that followed them up), "
        "and your francophone clients served in French, over the whole period.",
        "fr": "Les réponses de vos clients à leur premier suivi (attribuées à l'organisme qui a fait le suivi), et "
        "vos clients francophones servis en français, sur toute la période.",
    },
}
