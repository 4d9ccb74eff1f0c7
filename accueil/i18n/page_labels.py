"""The labels of each dashboard page: council, funders, agency, client journeys."""

from __future__ import annotations

PAGE_LABELS: dict[str, dict[str, str]] = {
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
    "funders.rate_cell": {
        "en": "Each outcome: its rate with its denominator (n), and its 95% interval under it.",
        "fr": "Chaque résultat : son taux avec son dénominateur (n), et son intervalle à 95 % en dessous.",
    },
    "agency.duplicate_rejected": {
        "en": "This file was already received on {when} as upload {upload_id} and rejected: its errors are below "
        "again. Correct them and send the corrected file.",
        "fr": "Ce fichier a déjà été reçu le {when} (téléversement {upload_id}) et rejeté : ses erreurs sont de "
        "nouveau ci-dessous. Corrigez-les et envoyez le fichier corrigé.",
    },
    "agency.help_link": {
        "en": "Help: every sheet's columns and the values each accepts",
        "fr": "Aide : les colonnes de chaque feuille et les valeurs que chacune accepte",
    },
    "help.intro": {
        "en": "What the agency extract holds: each sheet of the iCARE workbook, its columns by the label the "
        "workbook shows (and the machine name under it), whether each must be filled in, and the values each "
        'accepts. A rejection report\'s "How to fix it" refers to this page.',
        "fr": "Ce que contient l'extrait d'un organisme : chaque feuille du classeur iCARE, ses colonnes sous le "
        "libellé qu'affiche le classeur (et le nom technique en dessous), si chacune doit être remplie et les "
        "valeurs que chacune accepte. La colonne « Comment corriger » d'un rapport de rejet renvoie à cette page.",
    },
    "help.identifiers": {
        "en": "Never in a file: direct identifiers",
        "fr": "Jamais dans un fichier : identifiants directs",
    },
    "help.identifiers_intro": {
        "en": "An extract holding any of these columns is quarantined, whole: run `accueil anonymise` on it first.",
        "fr": "Un extrait qui contient l'une de ces colonnes est mis en quarantaine en entier : passez-le d'abord "
        "par `accueil anonymise`.",
    },
    "help.sheets": {"en": "Sheets and columns", "fr": "Feuilles et colonnes"},
    "help.column": {"en": "Column (as the workbook labels it)", "fr": "Colonne (libellé du classeur)"},
    "help.machine_name": {"en": "Machine name", "fr": "Nom technique"},
    "help.required": {"en": "Must be filled in", "fr": "Obligatoire"},
    "help.accepts": {"en": "Accepts", "fr": "Valeurs acceptées"},
    "help.description": {"en": "What it is", "fr": "Ce que c'est"},
    "help.why": {"en": "Why it is refused", "fr": "Pourquoi elle est refusée"},
    "help.yes": {"en": "yes", "fr": "oui"},
    "help.required_with": {"en": "when {column} is filled in", "fr": "lorsque {column} est rempli"},
    "help.range": {"en": "from {low} to {high}", "fr": "de {low} à {high}"},
    "help.max_length": {"en": "at most {count} characters", "fr": "au plus {count} caractères"},
    "help.type.client_key": {"en": "64 hexadecimal characters", "fr": "64 caractères hexadécimaux"},
    "help.type.record_id": {"en": "text, unique in the sheet", "fr": "texte, unique dans la feuille"},
    "help.type.year": {"en": "a year (YYYY)", "fr": "une année (AAAA)"},
    "help.type.fsa": {"en": "a forward sortation area (A9A)", "fr": "une région de tri d'acheminement (A9A)"},
    "help.type.date": {"en": "a date (YYYY-MM-DD)", "fr": "une date (AAAA-MM-JJ)"},
    "help.type.code": {"en": "a code", "fr": "un code"},
    "help.type.integer": {"en": "a whole number", "fr": "un nombre entier"},
    "help.type.decimal": {"en": "a number", "fr": "un nombre"},
    "help.type.text": {
        "en": "text on one line, not beginning with = + - @",
        "fr": "texte sur une ligne, sans = + - @ au début",
    },
    "help.type.agency_code": {"en": "an agency code", "fr": "un code d'organisme"},
    "help.type.course_code": {"en": "a course code", "fr": "un code de cours"},
    "help.type.quarter": {"en": "a quarter (YYYYQn)", "fr": "un trimestre (AAAAQn)"},
    "agency.counts": {"en": "Counts for its quarter", "fr": "Compte pour son trimestre"},
    "agency.counts.published": {"en": "Yes: in the published figures", "fr": "Oui : dans les chiffres publiés"},
    "agency.counts.next": {
        "en": "From the next build, in place of the current figures",
        "fr": "À la prochaine construction, à la place des chiffres actuels",
    },
    "agency.counts.no": {"en": "No", "fr": "Non"},
    "council.indicator_note": {"en": "{unit}; better if {direction}", "fr": "{unit} ; mieux si {direction}"},
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
    "agency.build_progress": {
        "en": "Building the figures: {done} of {total} models and tests done.",
        "fr": "Calcul des chiffres : {done} modèles et tests terminés sur {total}.",
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
    "journeys.completion": {
        "en": "Referral completion by agency: referrals to partners",
        "fr": "Suivi des aiguillages par organisme : aiguillages vers des partenaires",
    },
    "journeys.completion_chart": {
        "en": "Referrals to partners completed within 90 days, {period}: rate and 95% interval by referring agency (%)",
        "fr": "Aiguillages vers des partenaires suivis dans les 90 jours, {period} : taux et intervalle à 95 %"
        " par organisme (%)",
    },
    "funders.who_we_hear": {"en": "Who we hear from", "fr": "Qui nous entendons"},
    "funders.who_we_hear_intro": {
        "en": "Rates that need a follow-up speak only for the clients reached. Here, by group, are the clients"
        " each counts (covered) and those it could speak for but does not (not covered), region-wide over the"
        " whole period: a gap in shares says the people reached differ from the rest.",
        "fr": "Les taux qui exigent un suivi ne parlent que des clients joints. Voici, par groupe, les clients que"
        " chacun compte (couverts) et ceux dont il pourrait parler mais qu'il ne compte pas (non couverts), pour"
        " la région sur toute la période : un écart de parts dit que les personnes jointes diffèrent des autres.",
    },
    "funders.covered": {"en": "Covered", "fr": "Couverts"},
    "funders.not_covered": {"en": "Not covered", "fr": "Non couverts"},
    "funders.covered_share": {"en": "Share of the covered", "fr": "Part des couverts"},
    "funders.not_covered_share": {"en": "Share of the not covered", "fr": "Part des non couverts"},
    "funders.share_gap": {"en": "Gap (points)", "fr": "Écart (points)"},
    "funders.adjusted": {
        "en": "Adjusted for non-response (weighted within groups of gender, immigration category, official"
        " language, age band and community size): {rate}, 95% interval {interval}, beside the plain rate of"
        " {plain} for the clients reached.",
        "fr": "Corrigé de la non-réponse (pondéré dans des groupes de genre, catégorie d'immigration, langue"
        " officielle, tranche d'âge et taille de collectivité) : {rate}, intervalle à 95 % {interval}, à côté du"
        " taux simple de {plain} pour les clients joints.",
    },
    "journeys.internal_completion": {
        "en": "Referrals within the agency",
        "fr": "Aiguillages au sein de l'organisme",
    },
    "journeys.internal_intro": {
        "en": "Referrals an agency made to its own services are counted apart: they are real referrals, but"
        " not between partners, so they are not part of the no-wrong-door rate above.",
        "fr": "Les aiguillages qu'un organisme fait vers ses propres services sont comptés à part : ce sont de"
        " vrais aiguillages, mais pas entre partenaires, et ils n'entrent donc pas dans le taux « aucune"
        " mauvaise porte » ci-dessus.",
    },
    "journeys.internal_completion_chart": {
        "en": "Referrals within the agency completed within 90 days, {period}: rate and 95% interval by agency (%)",
        "fr": "Aiguillages au sein de l'organisme suivis dans les 90 jours, {period} : taux et intervalle à 95 %"
        " par organisme (%)",
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
}
