"""English and French for every label, number and date the dashboards show.

Numbers and dates go through Babel with the Canadian locales (en_CA, fr_CA) rather than
hand-made formats: fr-CA groups thousands with a no-break space and uses a decimal comma
(`1 234,5`), puts the currency sign after the amount and a space before `%`.  Labels are
kept in one table so a missing translation is a test failure, not a blank on screen.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

LANGUAGES = ("en", "fr")
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

# Statistics Canada's symbol for a value suppressed to meet confidentiality requirements.
SUPPRESSED = "x"
MISSING = "…"  # not available: no unit was counted in the cell (distinct from suppressed)


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas.NA refuses comparisons in a boolean context
        return True


def number(value, lang: str, decimals: int = 0) -> str:
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value, lang: str, decimals: int = 1) -> str:
    """A proportion (0.368) as a percentage in the locale's own pattern: 36.8% / 36,8 %."""
    if _is_missing(value):
        return MISSING
    base = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * decimals if decimals else ""), 1)
    return format_percent(value, format=pattern, locale=LOCALES[lang])


def money(value, lang: str, decimals: int = 0) -> str:
    if _is_missing(value):
        return MISSING
    pattern = None
    if decimals == 0:
        pattern = Locale.parse(LOCALES[lang]).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(value, "CAD", format=pattern, locale=LOCALES[lang], currency_digits=decimals != 0)


def day(value, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format="long", locale=LOCALES[lang])


def timestamp(value, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, format="medium", locale=LOCALES[lang])


def quarter(value: str, lang: str) -> str:
    """2025Q3 -> "2025 Q3" / "2025 T3"; "all" -> every quarter."""
    if value == "all":
        return t("period.all", lang)
    year, q = value.split("Q")
    return f"{year} {'T' if lang == 'fr' else 'Q'}{q}"


def interval(low, high, lang: str, kind: str = "percent") -> str:
    if _is_missing(low) or _is_missing(high):
        return MISSING
    fmt = percent if kind == "percent" else (lambda v, lg: number(v, lg))
    return f"{fmt(low, lang)} – {fmt(high, lang)}"


def t(key: str, lang: str, **params) -> str:
    text = LABELS[key][lang]
    return text.format(**params) if params else text


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

OUTCOMES = {
    "language_gain_any": ("Language gain, any skill", "Progrès linguistique, au moins une compétence"),
    "language_gain_listening": ("Language gain, listening", "Progrès linguistique, compréhension orale"),
    "language_gain_speaking": ("Language gain, speaking", "Progrès linguistique, expression orale"),
    "language_gain_reading": ("Language gain, reading", "Progrès linguistique, compréhension écrite"),
    "language_gain_writing": ("Language gain, writing", "Progrès linguistique, expression écrite"),
    "clb4_speaking_listening": (
        "CLB 4+ in speaking and listening",
        "NCLC 4+ en expression et compréhension orales",
    ),
    "employment_at_followup": ("Employed at follow-up", "En emploi au suivi"),
    "employment_matching_training": (
        "Employed in a job matching training",
        "En emploi correspondant à la formation",
    ),
    "sense_of_belonging": ("Strong sense of belonging", "Fort sentiment d'appartenance"),
    "community_participation": (
        "Took part in community connections",
        "Participation aux connexions communautaires",
    ),
    "referral_completion_90d": (
        "Referral completed within 90 days",
        "Aiguillage suivi d'un service dans les 90 jours",
    ),
    "days_arrival_to_first_service": (
        "Median days from arrival to first service",
        "Nombre médian de jours entre l'arrivée et le premier service",
    ),
}

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
    "page.audit": {"en": "Audit log", "fr": "Journal d'audit"},
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
        "en": "{mark} not available: nothing was counted in the cell.",
        "fr": "{mark} non disponible : rien n'a été compté dans la cellule.",
    },
    "common.no_rows": {"en": "Nothing to show for this selection.", "fr": "Rien à afficher pour cette sélection."},
    # council
    "council.intro": {
        "en": "Welcoming-community indicators against their baseline and target, grouped by the 17 "
        "characteristics of a welcoming community (Esses et al., 2010).",
        "fr": "Indicateurs de collectivité accueillante par rapport à leur valeur de référence et à leur cible, "
        "regroupés selon les 17 caractéristiques d'une collectivité accueillante (Esses et coll., 2010).",
    },
    "council.not_loaded": {
        "en": "The welcoming-community indicators are not loaded yet: the published snapshot has no "
        "indicator table. They appear here after the next `accueil build` that includes them.",
        "fr": "Les indicateurs de collectivité accueillante ne sont pas encore chargés : l'instantané publié "
        "n'a pas de table d'indicateurs. Ils apparaîtront ici après le prochain `accueil build` qui les inclut.",
    },
    "council.geography": {"en": "Geography", "fr": "Territoire"},
    "council.characteristic": {"en": "Characteristic", "fr": "Caractéristique"},
    "council.all_characteristics": {"en": "All characteristics", "fr": "Toutes les caractéristiques"},
    "council.indicator": {"en": "Indicator", "fr": "Indicateur"},
    "council.latest": {"en": "Latest period", "fr": "Dernière période"},
    "council.value": {"en": "Value", "fr": "Valeur"},
    "council.baseline": {"en": "Baseline", "fr": "Valeur de référence"},
    "council.baseline_period": {"en": "Baseline period", "fr": "Période de référence"},
    "council.change": {"en": "Change since baseline", "fr": "Variation depuis la référence"},
    "council.target": {"en": "Target", "fr": "Cible"},
    "council.progress": {"en": "Progress to target", "fr": "Progrès vers la cible"},
    "council.status": {"en": "Status", "fr": "Situation"},
    "council.unit": {"en": "Unit", "fr": "Unité"},
    "council.direction": {"en": "Better when", "fr": "Mieux lorsque"},
    "council.higher": {"en": "higher", "fr": "plus élevé"},
    "council.lower": {"en": "lower", "fr": "plus bas"},
    "council.source": {"en": "Source", "fr": "Source"},
    "council.freshness": {"en": "Freshest period: {period}", "fr": "Période la plus récente : {period}"},
    "council.trend": {"en": "Trend: {name} ({unit})", "fr": "Tendance : {name} ({unit})"},
    "council.ci_low": {"en": "95% interval, low", "fr": "Intervalle à 95 %, borne inférieure"},
    "council.ci_high": {"en": "95% interval, high", "fr": "Intervalle à 95 %, borne supérieure"},
    "council.trend_pick": {"en": "Indicator to chart", "fr": "Indicateur à représenter"},
    "council.period_axis": {"en": "Period", "fr": "Période"},
    # funders
    "funders.intro": {
        "en": "What was delivered (outputs) beside what it achieved (outcomes), with each rate's "
        "denominator and 95% interval. Agencies are listed by code, not ranked: compare intervals, "
        "not point estimates.",
        "fr": "Ce qui a été offert (extrants) à côté de ce qui a été obtenu (résultats), avec le dénominateur "
        "et l'intervalle à 95 % de chaque taux. Les organismes sont présentés par code, sans classement : "
        "comparez les intervalles, pas les estimations ponctuelles.",
    },
    "funders.outputs_vs_outcomes": {
        "en": "Outputs and outcomes by agency",
        "fr": "Extrants et résultats par organisme",
    },
    "funders.programs": {"en": "Programs of {agency}", "fr": "Programmes de {agency}"},
    "funders.comparison": {"en": "Comparing agencies", "fr": "Comparaison des organismes"},
    "funders.comparison_chart": {
        "en": "{outcome}, {period}: rate and 95% interval by agency (%)",
        "fr": "{outcome}, {period} : taux et intervalle à 95 % par organisme (%)",
    },
    "funders.comparison_chart_days": {
        "en": "{outcome}, {period}: median and 95% interval by agency (days)",
        "fr": "{outcome}, {period} : médiane et intervalle à 95 % par organisme (jours)",
    },
    "funders.region_line": {"en": "Region: {value}", "fr": "Région : {value}"},
    "funders.suppressed_agencies": {
        "en": "Suppressed (not shown on the chart): {agencies}",
        "fr": "Confidentiels (absents du graphique) : {agencies}",
    },
    "funders.gba": {"en": "GBA+ breakdowns", "fr": "Ventilations ACS+"},
    "funders.gba_chart": {
        "en": "{outcome} by {breakdown}, {period} (%)",
        "fr": "{outcome} selon : {breakdown}, {period} (%)",
    },
    "funders.intersection": {
        "en": "Gender × immigration category: {outcome}, {period}",
        "fr": "Genre × catégorie d'immigration : {outcome}, {period}",
    },
    "funders.community": {
        "en": "Urban, small centres and rural, seen separately",
        "fr": "Milieux urbains, petits centres et milieux ruraux, vus séparément",
    },
    "funders.community_chart": {
        "en": "Outcome rates by community size, {period} (%)",
        "fr": "Taux de résultats selon la taille de la collectivité, {period} (%)",
    },
    "funders.clients_served": {"en": "Clients served", "fr": "Clients servis"},
    "funders.services": {"en": "Services", "fr": "Services"},
    "funders.hours": {"en": "Hours", "fr": "Heures"},
    "funders.funding": {"en": "Funding", "fr": "Financement"},
    "funders.cost_per_client": {"en": "Cost per client served", "fr": "Coût par client servi"},
    "funders.cost_per_outcome": {"en": "Cost per positive outcome", "fr": "Coût par résultat positif"},
    "funders.cost_outcome": {"en": "Outcome counted", "fr": "Résultat compté"},
    "funders.cost_caveat": {
        "en": "Cost per positive outcome divides one quarter's funding by the outcomes recorded that quarter: "
        "read it as a trend over quarters, not as the cost of one cohort.",
        "fr": "Le coût par résultat positif divise le financement d'un trimestre par les résultats constatés "
        "ce trimestre : lisez-le comme une tendance d'un trimestre à l'autre, pas comme le coût d'une cohorte.",
    },
    "funders.rate_of": {"en": "{outcome}", "fr": "{outcome}"},
    # agency
    "agency.intro": {
        "en": "Upload this quarter's extract, read its validation report, and check what the warehouse holds "
        "for your agency.",
        "fr": "Téléversez l'extrait du trimestre, lisez son rapport de validation et vérifiez ce que l'entrepôt "
        "contient pour votre organisme.",
    },
    "agency.pick": {"en": "Agency", "fr": "Organisme"},
    "agency.upload": {"en": "Upload an extract", "fr": "Téléverser un extrait"},
    "agency.file": {"en": "Extract file (.xlsx or .zip)", "fr": "Fichier d'extrait (.xlsx ou .zip)"},
    "agency.quarter": {"en": "Quarter the extract covers", "fr": "Trimestre couvert par l'extrait"},
    "agency.submit": {"en": "Validate and submit", "fr": "Valider et soumettre"},
    "agency.accepted": {
        "en": "Accepted: {file} is upload {upload_id}, with {warnings} warning(s). It is published "
        "automatically: its state shows below.",
        "fr": "Accepté : {file} est le téléversement {upload_id}, avec {warnings} avertissement(s). Il est "
        "publié automatiquement : son état s'affiche ci-dessous.",
    },
    "agency.rejected": {
        "en": "Rejected: {file} has {errors} error(s); nothing from it was loaded. Fix them and upload the "
        "corrected file.",
        "fr": "Rejeté : {file} compte {errors} erreur(s); rien n'en a été versé. Corrigez-les et téléversez "
        "le fichier corrigé.",
    },
    "agency.duplicate": {
        "en": "This file was already received on {when} as upload {upload_id} ({status}): nothing to do.",
        "fr": "Ce fichier a déjà été reçu le {when} (téléversement {upload_id}, {status}) : rien à faire.",
    },
    "agency.report": {"en": "Validation report", "fr": "Rapport de validation"},
    "agency.report_html": {"en": "Download the full report (HTML)", "fr": "Télécharger le rapport complet (HTML)"},
    "agency.severity": {"en": "Severity", "fr": "Gravité"},
    "agency.sheet": {"en": "Sheet", "fr": "Feuille"},
    "agency.row": {"en": "Row", "fr": "Ligne"},
    "agency.column": {"en": "Column", "fr": "Colonne"},
    "agency.problem": {"en": "Problem", "fr": "Problème"},
    "agency.fix": {"en": "How to fix it", "fr": "Comment corriger"},
    "agency.error": {"en": "error", "fr": "erreur"},
    "agency.warning": {"en": "warning", "fr": "avertissement"},
    "agency.history": {"en": "Submission history", "fr": "Historique des soumissions"},
    "agency.publication": {"en": "Publication", "fr": "Publication"},
    "agency.state": {"en": "State", "fr": "État"},
    "agency.latest_state": {
        "en": "Upload {upload_id} ({quarter}): {state}.",
        "fr": "Téléversement {upload_id} ({quarter}) : {state}.",
    },
    "agency.published_at": {
        "en": "Published on {when}: this page shows its figures.",
        "fr": "Publié le {when} : cette page en montre les chiffres.",
    },
    "agency.in_progress": {
        "en": "The service loads, builds and publishes it without anyone's help; this panel refreshes itself.",
        "fr": "Le service le verse, le construit et le publie sans intervention; ce panneau s'actualise seul.",
    },
    "agency.build_failed": {
        "en": "The build that should have published it failed ({reason}). The figures shown are the last "
        "good ones, and the partnership's operator sees the failure in `accueil status`.",
        "fr": "La construction qui devait le publier a échoué ({reason}). Les chiffres affichés sont les "
        "derniers valides, et l'exploitant du partenariat voit l'échec dans `accueil status`.",
    },
    "agency.no_history": {"en": "No uploads from this agency yet.", "fr": "Aucun téléversement de cet organisme."},
    "agency.upload_id": {"en": "Upload", "fr": "Téléversement"},
    "agency.file_name": {"en": "File", "fr": "Fichier"},
    "agency.received": {"en": "Received", "fr": "Reçu le"},
    "agency.by": {"en": "By", "fr": "Par"},
    "agency.status": {"en": "Status", "fr": "Statut"},
    "agency.errors": {"en": "Errors", "fr": "Erreurs"},
    "agency.warnings": {"en": "Warnings", "fr": "Avertissements"},
    "agency.outputs": {"en": "Outputs by quarter", "fr": "Extrants par trimestre"},
    "agency.outputs_chart": {
        "en": "Clients served by quarter (clients)",
        "fr": "Clients servis par trimestre (clients)",
    },
    "agency.orientation_hours": {"en": "Orientation hours", "fr": "Heures d'orientation"},
    "agency.lt_hours": {"en": "Language training hours", "fr": "Heures de formation linguistique"},
    "agency.outcomes": {"en": "Outcomes by quarter", "fr": "Résultats par trimestre"},
    "agency.quality": {"en": "Data quality", "fr": "Qualité des données"},
    "agency.completeness": {
        "en": "Completeness per field, {quarter}",
        "fr": "Taux de remplissage par champ, {quarter}",
    },
    "agency.quality_quarter": {"en": "Quarter checked", "fr": "Trimestre vérifié"},
    "agency.field": {"en": "Field", "fr": "Champ"},
    "agency.filled": {"en": "Filled in", "fr": "Rempli"},
    "agency.rows": {"en": "Rows", "fr": "Lignes"},
    "agency.complete": {"en": "Completeness", "fr": "Taux de remplissage"},
    "agency.required": {"en": "Required", "fr": "Obligatoire"},
    "agency.timeliness": {"en": "Timeliness of submission", "fr": "Ponctualité des soumissions"},
    "agency.quarter_end": {"en": "Quarter ended", "fr": "Fin du trimestre"},
    "agency.first_received": {"en": "First file received", "fr": "Premier fichier reçu"},
    "agency.days_after": {"en": "Days after quarter end", "fr": "Jours après la fin du trimestre"},
    "agency.first_accepted": {"en": "First accepted file", "fr": "Premier fichier accepté"},
    "agency.attempts": {"en": "Files sent", "fr": "Fichiers envoyés"},
    "agency.yes": {"en": "yes", "fr": "oui"},
    "agency.no": {"en": "no", "fr": "non"},
    # journeys
    "journeys.intro": {
        "en": "No wrong door: where clients are referred between agencies, whether a service followed within "
        "90 days, and how long newcomers wait between arrival and their first service.",
        "fr": "Aucune mauvaise porte : vers où les clients sont aiguillés d'un organisme à l'autre, si un service "
        "a suivi dans les 90 jours, et combien de temps s'écoule entre l'arrivée et le premier service.",
    },
    "journeys.stream": {"en": "Referred for", "fr": "Aiguillé pour"},
    "journeys.all_streams": {"en": "Every service", "fr": "Tous les services"},
    "journeys.flows": {"en": "Referral flows between agencies", "fr": "Aiguillages entre organismes"},
    "journeys.sankey": {
        "en": "Referrals between agencies, {period} (referrals; suppressed flows not drawn)",
        "fr": "Aiguillages entre organismes, {period} (aiguillages; flux confidentiels non tracés)",
    },
    "journeys.matrix": {
        "en": "Referrals by referring (rows) and receiving (columns) agency",
        "fr": "Aiguillages par organisme d'origine (lignes) et destinataire (colonnes)",
    },
    "journeys.from": {"en": "Referring agency", "fr": "Organisme d'origine"},
    "journeys.to": {"en": "Receiving agency", "fr": "Organisme destinataire"},
    "journeys.referrals": {"en": "Referrals", "fr": "Aiguillages"},
    "journeys.completed": {"en": "Completed within 90 days", "fr": "Suivis d'un service dans les 90 jours"},
    "journeys.completion": {"en": "Referral completion by agency", "fr": "Suivi des aiguillages par organisme"},
    "journeys.completion_chart": {
        "en": "Referrals completed within 90 days, {period}: rate and 95% interval by referring agency (%)",
        "fr": "Aiguillages suivis dans les 90 jours, {period} : taux et intervalle à 95 % par organisme (%)",
    },
    "journeys.waiting": {"en": "From arrival to first service", "fr": "De l'arrivée au premier service"},
    "journeys.waiting_chart": {
        "en": "Median days from arrival to first service by immigration category, {period} (days)",
        "fr": "Nombre médian de jours entre l'arrivée et le premier service selon la catégorie, {period} (jours)",
    },
    "journeys.waiting_trend": {
        "en": "Median days from arrival to first service by quarter, all agencies (days)",
        "fr": "Nombre médian de jours entre l'arrivée et le premier service par trimestre (jours)",
    },
    **_pairs(OUTCOMES, "outcome"),
    **_pairs(BREAKDOWNS, "breakdown"),
    **_pairs(STATUSES, "status"),
    **_pairs(UNITS, "unit"),
    **_pairs(UPLOAD_STATUSES, "upload"),
    **_pairs(PUBLICATION_STATES, "publication"),
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
