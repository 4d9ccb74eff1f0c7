"""Every label the dashboards show, in one table, so that a missing translation is a test failure, not a blank.

The frame's own labels (titles, sign-in, roles, the audit log, what every page shares)
are here; each page's are in page_labels.py, and the names of codes in codes.py.
"""

from __future__ import annotations

from accueil.i18n.codes import BREAKDOWNS, OUTCOMES, PUBLICATION_STATES, STATUSES, UNITS, UPLOAD_STATUSES
from accueil.i18n.followup_labels import FOLLOWUP_LABELS
from accueil.i18n.map_labels import MAP_LABELS
from accueil.i18n.needs_labels import NEEDS_LABELS
from accueil.i18n.page_labels import PAGE_LABELS
from accueil.i18n.quarterly_labels import QUARTERLY_LABELS
from accueil.i18n.submission_labels import SUBMISSION_LABELS
from accueil.i18n.survey_labels import SURVEY_LABELS

LANGUAGES = ("en", "fr")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def t(key: str, lang: str, **params) -> str:
    text = LABELS[key][lang]
    return text.format(**params) if params else text


def _pairs(table: dict[str, tuple[str, str]], prefix: str) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{code}": {"en": en, "fr": fr} for code, (en, fr) in table.items()}


LABELS: dict[str, dict[str, str]] = {
    # the frame
    "app.title": {"en": "Accueil — settlement outcomes", "fr": "Accueil — résultats de l'établissement"},
    "app.published": {"en": "Data published {when}", "fr": "Données publiées le {when}"},
    "app.uploads_in_snapshot": {
        "en": "{count} extracts in this snapshot",
        "fr": "{count} extraits dans cet instantané",
    },
    "app.not_published": {
        "en": "Nothing is published yet: run `accueil build` (or `accueil demo`) first.",
        "fr": "Rien n'est encore publié : lancez d'abord `accueil build` (ou `accueil demo`).",
    },
    "page.council": {"en": "Council scorecard", "fr": "Tableau de bord du conseil"},
    "page.funders": {"en": "Funders: outcomes and outputs", "fr": "Bailleurs : résultats et extrants"},
    "page.agency": {"en": "Agency: my quarter", "fr": "Organisme : mon trimestre"},
    "page.journeys": {"en": "Client journeys", "fr": "Parcours des clients"},
    "page.map": {"en": "Service map", "fr": "Carte des services"},
    "page.audit": {"en": "Audit log", "fr": "Journal d'audit"},
    "page.help": {"en": "Help: the extract's columns", "fr": "Aide : colonnes de l'extrait"},
    # sign-in
    "signin.title": {"en": "Sign in to Accueil", "fr": "Connexion à Accueil"},
    "signin.intro": {
        "en": "The dashboards show each partner what its role allows: sign in with the account an admin gave you.",
        "fr": "Les tableaux de bord montrent à chaque partenaire ce que son rôle permet : connectez-vous avec le "
        "compte qu'un administrateur vous a donné.",
    },
    "signin.name": {"en": "User name", "fr": "Nom d'utilisateur"},
    "signin.password": {"en": "Password", "fr": "Mot de passe"},
    "signin.submit": {"en": "Sign in", "fr": "Se connecter"},
    "signin.oidc": {"en": "Sign in with the partnership's account", "fr": "Se connecter avec le compte du partenariat"},
    "signin.wrong": {"en": "Wrong user name or password.", "fr": "Nom d'utilisateur ou mot de passe erroné."},
    "signin.expired": {
        "en": "Your session has expired: please sign in again.",
        "fr": "Votre session a expiré : veuillez vous reconnecter.",
    },
    "signin.ended": {
        "en": "Your session has ended (signed out, or your role changed): please sign in again.",
        "fr": "Votre session a pris fin (déconnexion ou changement de rôle) : veuillez vous reconnecter.",
    },
    "signin.refused": {
        "en": "Your identity provider gives this account no Accueil role: {reason}.",
        "fr": "Votre fournisseur d'identité ne donne aucun rôle Accueil à ce compte : {reason}.",
    },
    "signin.as": {"en": "Signed in as **{name}** ({role})", "fr": "Connecté en tant que **{name}** ({role})"},
    "signin.signout": {"en": "Sign out", "fr": "Se déconnecter"},
    "signin.signedout": {"en": "You are signed out.", "fr": "Vous êtes déconnecté."},
    "signin.again": {"en": "Sign in again", "fr": "Se reconnecter"},
    "signin.no_users": {
        "en": "No users yet: an admin adds one with `accueil users add NAME --role admin`.",
        "fr": "Aucun utilisateur pour l'instant : un administrateur en ajoute un avec "
        "`accueil users add NOM --role admin`.",
    },
    "role.agency": {"en": "agency {agency}", "fr": "organisme {agency}"},
    "role.funder": {"en": "funder", "fr": "bailleur"},
    "role.council": {"en": "council", "fr": "conseil"},
    "role.admin": {"en": "admin", "fr": "administrateur"},
    "app.denied": {
        "en": "Your role does not give access to this: {reason}.",
        "fr": "Votre rôle ne donne pas accès à ceci : {reason}.",
    },
    "agency.own_only": {
        "en": "You can see only your own agency, {agency}.",
        "fr": "Vous ne pouvez voir que votre propre organisme, {agency}.",
    },
    # audit log
    "audit.intro": {
        "en": "Every sign-in, upload, view of client-level data, role or baseline change and export, newest first. "
        "The log can only grow.",
        "fr": "Chaque connexion, téléversement, consultation de données sur les clients, changement de rôle ou de "
        "référence et exportation, du plus récent au plus ancien. Le journal ne peut que s'allonger.",
    },
    "audit.action": {"en": "Action", "fr": "Action"},
    "audit.actor": {"en": "User", "fr": "Utilisateur"},
    "audit.text": {"en": "Contains", "fr": "Contient"},
    "audit.since": {"en": "From", "fr": "Du"},
    "audit.until": {"en": "To", "fr": "Au"},
    "audit.any": {"en": "Any", "fr": "Toutes"},
    "audit.at": {"en": "When (UTC)", "fr": "Quand (UTC)"},
    "audit.target": {"en": "Target", "fr": "Cible"},
    "audit.detail": {"en": "Detail", "fr": "Détail"},
    "audit.id": {"en": "No.", "fr": "No"},
    "audit.rows": {"en": "Rows: {count}", "fr": "Lignes : {count}"},
    "period.all": {"en": "All quarters", "fr": "Tous les trimestres"},
    "common.period": {"en": "Quarter", "fr": "Trimestre"},
    "common.agency": {"en": "Agency", "fr": "Organisme"},
    "common.all_agencies": {"en": "All agencies", "fr": "Tous les organismes"},
    "common.program": {"en": "Program", "fr": "Programme"},
    "common.outcome": {"en": "Outcome", "fr": "Résultat"},
    "common.breakdown": {"en": "Breakdown", "fr": "Ventilation"},
    "common.group": {"en": "Group", "fr": "Groupe"},
    "common.rate": {"en": "Rate", "fr": "Taux"},
    "common.interval": {"en": "95% interval", "fr": "Intervalle à 95 %"},
    "common.numerator": {"en": "Numerator", "fr": "Numérateur"},
    "common.denominator": {"en": "Denominator", "fr": "Dénominateur"},
    "common.eligible": {"en": "Eligible", "fr": "Admissibles"},
    "common.coverage": {"en": "Coverage", "fr": "Couverture"},
    "common.few_covered": {"en": "covers few of its clients", "fr": "couvre peu de ses clients"},
    "common.coverage_legend": {
        "en": "Coverage: the share of the clients (or referrals) a rate could speak for that it counts"
        " (denominator ÷ eligible, docs/measures.md). Under {share} it covers few of its clients: those"
        " it leaves out may differ from those it counts.",
        "fr": "Couverture : la part des clients (ou aiguillages) dont un taux pourrait parler qu'il compte"
        " (dénominateur ÷ admissibles, docs/measures.md). Sous {share}, il couvre peu de ses clients : ceux"
        " qu'il laisse de côté peuvent différer de ceux qu'il compte.",
    },
    "common.median_days": {"en": "Median (days)", "fr": "Médiane (jours)"},
    "common.clients": {"en": "Clients", "fr": "Clients"},
    "common.suppressed": {"en": "Suppressed", "fr": "Confidentiel"},
    "common.download": {"en": "Download CSV", "fr": "Télécharger en CSV"},
    "common.suppressed_legend": {
        "en": "{mark} suppressed: fewer than {threshold} clients in the cell, or suppressed so that another "
        "small cell cannot be worked out from a total (disclosure control). Never a zero.",
        "fr": "{mark} confidentiel : moins de {threshold} clients dans la cellule, ou masqué pour qu'une autre "
        "petite cellule ne puisse pas être déduite d'un total (contrôle de la divulgation). Jamais un zéro.",
    },
    "common.missing_legend": {
        "en": "{mark} not available: there is no value for this cell (nothing was counted, or its source"
        " publishes none).",
        "fr": "{mark} non disponible : cette cellule n'a pas de valeur (rien n'a été compté, ou sa source"
        " n'en publie pas).",
    },
    "common.not_set_legend": {
        "en": "{mark} not set: the council has set no baseline or target for this indicator, so there is"
        " nothing to compare with.",
        "fr": "{mark} non fixé : le conseil n'a fixé ni référence ni cible pour cet indicateur, il n'y a donc"
        " rien à comparer.",
    },
    "uploader.button": {"en": "Choose a file", "fr": "Choisir un fichier"},
    "uploader.limit": {"en": "{size} MB per file • {types}", "fr": "{size} Mo par fichier • {types}"},
    "common.no_rows": {"en": "Nothing to show for this selection.", "fr": "Rien à afficher pour cette sélection."},
    # An outcome's outside benchmark (seeds/outcome_catalogue.csv): its source, value and target.
    "common.benchmark": {
        "en": "{source}: {value}.",
        "fr": "{source} : {value}.",
    },
    "common.benchmark_target": {
        "en": "{source}: {value}, against a target of {target}.",
        "fr": "{source} : {value}, pour une cible de {target}.",
    },
    **PAGE_LABELS,
    **NEEDS_LABELS,
    **SUBMISSION_LABELS,
    **FOLLOWUP_LABELS,
    **QUARTERLY_LABELS,
    **MAP_LABELS,
    **SURVEY_LABELS,
    **_pairs(OUTCOMES, "outcome"),
    **_pairs(BREAKDOWNS, "breakdown"),
    **_pairs(STATUSES, "status"),
    **_pairs(UNITS, "unit"),
    **_pairs(UPLOAD_STATUSES, "upload"),
    **_pairs(PUBLICATION_STATES, "publication"),
}
