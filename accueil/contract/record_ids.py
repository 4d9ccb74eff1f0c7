"""The sheet abbreviations a record id carries (``{AGENCY}-{SHEET}-...``), for every sheet that has record ids.

The generator numbers its records with them and the anonymiser derives missing record
ids with them, so that both spell a sheet's ids the same way.
"""

SHEET_ABBREVIATIONS = {
    "Needs Assessment&Referrals": "NAR",
    "Info&Orien": "IO",
    "Employment": "EMP",
    "Community Connections": "CC",
    "LT Client Enrol": "LTE",
    "LT Client Exit": "LTX",
    "Language Assessment": "LA",
    "Outcome Follow-up": "FU",
}
