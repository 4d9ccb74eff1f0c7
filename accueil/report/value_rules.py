"""What the door says about an extract's values: empty, malformed or unknown cells, and rows that disagree.

rule -> language -> (what is wrong, how to fix it).  Placeholders come from Problem.params.
"""

from __future__ import annotations

VALUE_RULES: dict[str, dict[str, tuple[str, str]]] = {
    "required_value": {
        "en": ("The required value of '{column}' is empty.", "Fill in '{column}' ({label})."),
        "fr": ("La valeur obligatoire de « {column} » est vide.", "Remplissez « {column} » ({label})."),
    },
    "required_with": {
        "en": ("'{column}' is empty although '{other}' is filled in.", "Fill in '{column}' or empty '{other}'."),
        "fr": (
            "« {column} » est vide alors que « {other} » est rempli.",
            "Remplissez « {column} » ou videz « {other} ».",
        ),
    },
    "type_date": {
        "en": ("'{value}' is not a date.", "Write dates as YYYY-MM-DD, for example 2025-07-14."),
        "fr": (
            "« {value} » n'est pas une date.",
            "Écrivez les dates sous la forme AAAA-MM-JJ, par exemple 2025-07-14.",
        ),
    },
    "type_year": {
        "en": ("'{value}' is not a year of birth.", "Write the four-digit year, for example 1984."),
        "fr": ("« {value} » n'est pas une année de naissance.", "Écrivez l'année à quatre chiffres, par exemple 1984."),
    },
    "type_number": {
        "en": ("'{value}' is not a number between {min} and {max}.", "Write a number between {min} and {max}."),
        "fr": ("« {value} » n'est pas un nombre entre {min} et {max}.", "Écrivez un nombre entre {min} et {max}."),
    },
    "type_client_key": {
        "en": (
            "'{value}' is not a client key.",
            "Client keys are the 64-character codes made by `accueil anonymise`; do not edit them.",
        ),
        "fr": (
            "« {value} » n'est pas une clé de client.",
            "Les clés de client sont les codes de 64 caractères produits par `accueil anonymise`.",
        ),
    },
    "type_fsa": {
        "en": (
            "'{value}' is not a forward sortation area.",
            "Keep only the first three characters of the postal code, for example L2R.",
        ),
        "fr": (
            "« {value} » n'est pas une région de tri d'acheminement.",
            "Ne gardez que les trois premiers caractères du code postal, par exemple L2R.",
        ),
    },
    "fsa_unknown": {
        "en": (
            "'{value}' in '{column}' is not one of Canada's forward sortation areas.",
            "Correct it: the first three characters of the site's postal code, for example L2R.",
        ),
        "fr": (
            "« {value} » dans « {column} » n'est pas une des régions de tri d'acheminement du Canada.",
            "Corrigez-la : les trois premiers caractères du code postal du point de service, par exemple L2R.",
        ),
    },
    "type_text": {
        "en": ("The value of '{column}' is too long or malformed.", "Shorten it to at most {max_length} characters."),
        "fr": (
            "La valeur de « {column} » est trop longue ou mal formée.",
            "Raccourcissez-la à {max_length} caractères au plus.",
        ),
    },
    "code_not_in_list": {
        "en": (
            "'{value}' is not one of the values '{column}' accepts.",
            "Use one of the values of this column's drop-down: {valid} (the dashboards' Help page lists them).",
        ),
        "fr": (
            "« {value} » n'est pas une des valeurs qu'accepte « {column} ».",
            "Utilisez l'une des valeurs de la liste déroulante de cette colonne : {valid} (la page Aide des "
            "tableaux de bord les énumère).",
        ),
    },
    "clb_literacy_skill": {
        "en": (
            "'{value}' is a literacy level, which exists only for reading and writing.",
            "Give a CLB level from 1 to 12, Pre-CLB, N/A or Insufficient Evidence for {skill}.",
        ),
        "fr": (
            "« {value} » est un niveau d'alphabétisation, qui n'existe que pour la lecture et l'écriture.",
            "Indiquez un niveau NCLC de 1 à 12, Pré-NCLC, S.O. ou Preuves insuffisantes pour {skill}.",
        ),
    },
    "date_outside_quarter": {
        "en": (
            "The date {value} is outside the quarter {quarter} ({start} to {end}).",
            "Report this record in the extract of its own quarter, or correct the date.",
        ),
        "fr": (
            "La date {value} est hors du trimestre {quarter} (du {start} au {end}).",
            "Déclarez cet enregistrement dans l'extrait de son trimestre, ou corrigez la date.",
        ),
    },
    "duplicate_key": {
        "en": (
            "'{value}' appears {count} times in '{column}', which must be unique in the sheet.",
            "Keep one row per {column}.",
        ),
        "fr": (
            "« {value} » apparaît {count} fois dans « {column} », qui doit être unique dans la feuille.",
            "Gardez une ligne par {column}.",
        ),
    },
    "course_not_set_up": {
        "en": (
            "The course '{value}' is not in the sheet 'LT Course Setup'.",
            "Add the course to 'LT Course Setup' in the same file, or correct the course code.",
        ),
        "fr": (
            "Le cours « {value} » ne figure pas dans la feuille « LT Course Setup ».",
            "Ajoutez le cours à « LT Course Setup » dans le même fichier, ou corrigez le code du cours.",
        ),
    },
    "birth_year_conflict": {
        "en": (
            "The client {value} has {count} different years of birth in this file ({years}).",
            "Give the same year of birth on every row of a client.",
        ),
        "fr": (
            "Le client {value} a {count} années de naissance différentes dans ce fichier ({years}).",
            "Indiquez la même année de naissance sur toutes les lignes d'un client.",
        ),
    },
    "birth_date_conflict": {
        "en": (
            "The identifier on this row has {count} different dates of birth in the input ({dates}).",
            "Correct the date of birth in your client-management system so that each client has one.",
        ),
        "fr": (
            "L'identifiant de cette ligne a {count} dates de naissance différentes ({dates}).",
            "Corrigez la date de naissance dans votre système de gestion des clients.",
        ),
    },
    "course_code_mismatch": {
        "en": (
            "The course '{value}' of '{sheet}' does not match any course in 'LT Course Setup'.",
            "Use the same course code in the set-up, enrolment and exit sheets.",
        ),
        "fr": (
            "Le cours « {value} » de « {sheet} » ne correspond à aucun cours de « LT Course Setup ».",
            "Utilisez le même code de cours dans les feuilles de création, d'inscription et de sortie.",
        ),
    },
    "client_not_profiled": {
        "en": (
            "The client {value} has services in this file but no row in 'Client Profile'.",
            "Add the client's profile row to the same file.",
        ),
        "fr": (
            "Le client {value} a des services dans ce fichier mais aucune ligne dans « Client Profile ».",
            "Ajoutez la ligne de profil du client au même fichier.",
        ),
    },
    "agency_unknown": {
        "en": (
            "The agency code '{value}' is not in the partnership's agency reference data.",
            "Use a code from agencies.xlsx, or ask the partnership to add the agency first.",
        ),
        "fr": (
            "Le code d'organisme « {value} » ne figure pas dans les données de référence du partenariat.",
            "Utilisez un code de agencies.xlsx, ou demandez au partenariat d'ajouter l'organisme.",
        ),
    },
    "agency_mismatch": {
        "en": (
            "The record id '{value}' is one of {owner}'s, but the file is uploaded as {agency}'s extract.",
            "If the file is {owner}'s, upload it as {owner}; if it is {agency}'s, give its rows {agency}'s own "
            "record ids.",
        ),
        "fr": (
            "L'identifiant d'enregistrement « {value} » est un identifiant de {owner}, mais le fichier est "
            "téléversé comme extrait de {agency}.",
            "Si le fichier est celui de {owner}, téléversez-le pour {owner}; s'il est celui de {agency}, donnez à "
            "ses lignes les identifiants d'enregistrement de {agency}.",
        ),
    },
    "out_of_bounds": {
        "en": (
            "'{value}' is not a plausible {column}: in this file it must be from {earliest} to {latest}.",
            "Correct it in your system: {column} is {bounds}.",
        ),
        "fr": (
            "« {value} » n'est pas une valeur plausible de {column} : dans ce fichier, elle doit aller de "
            "{earliest} à {latest}.",
            "Corrigez-la dans votre système : {column} n'est {bounds_fr}.",
        ),
    },
    "reference_missing": {
        "en": (
            "'{value}' in '{column}' does not refer to a row of '{target}'.",
            "Add the row to '{target}' or correct the code.",
        ),
        "fr": (
            "« {value} » dans « {column} » ne renvoie à aucune ligne de « {target} ».",
            "Ajoutez la ligne à « {target} » ou corrigez le code.",
        ),
    },
    "type_identifier": {
        "en": (
            "'{value}' is not a valid {column}: an identifier is letters and digits, joined by - _ . / or :, "
            "and begins with a letter or a digit.",
            "Correct the identifier in your system, or export it without spaces, quotes or other signs.",
        ),
        "fr": (
            "« {value} » n'est pas un {column} valide : un identifiant est fait de lettres et de chiffres, "
            "reliés par - _ . / ou :, et commence par une lettre ou un chiffre.",
            "Corrigez l'identifiant dans votre système, ou exportez-le sans espaces, guillemets ni autres signes.",
        ),
    },
    "text_control_character": {
        "en": (
            "The value of '{column}' holds a control or invisible character ({found}): a tab, a line break, "
            "a NUL, a zero-width or other invisible formatting character, or a direction mark.",
            "Type the value again on one line; if it was pasted, paste it as plain text.",
        ),
        "fr": (
            "La valeur de « {column} » contient un caractère de commande ou invisible ({found}) : une "
            "tabulation, un saut de ligne, un NUL, un caractère de largeur nulle ou un autre caractère de "
            "mise en forme invisible, ou une marque de direction.",
            "Saisissez de nouveau la valeur sur une ligne; si elle a été collée, collez-la en texte brut.",
        ),
    },
    "text_formula": {
        "en": (
            "The value of '{column}' begins with '{first}', which a spreadsheet program runs as a formula.",
            "Begin the value with a letter or a digit.",
        ),
        "fr": (
            "La valeur de « {column} » commence par « {first} », qu'un tableur exécute comme une formule.",
            "Commencez la valeur par une lettre ou un chiffre.",
        ),
    },
}
