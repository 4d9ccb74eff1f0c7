"""What a cell may hold: the column types, each type's whole-value pattern, and the characters refused everywhere.

Like the rest of the contract, this depends on nothing else in Accueil.
"""

import re

COLUMN_TYPES = frozenset(
    {
        "client_key",
        "record_id",
        "year",
        "fsa",
        "date",
        "code",
        "integer",
        "decimal",
        "text",
        "agency_code",
        "course_code",
        "quarter",
    }
)


# Characters no cell may hold at the door: every character of the Unicode categories Cc
# (C0 and C1 controls, NUL, tab, CR and LF included: every field is one line), Cf (format
# characters: zero-width ones, the byte-order mark, the soft hyphen, direction marks, the
# bidirectional overrides and isolates, which make text read differently from what it holds,
# and the invisible tag characters), Cs (lone surrogates), Zl and Zp (line and paragraph
# separators), as of Unicode 15.  tests/test_hostile_uploads.py checks it against Python's
# own Unicode database.  A regular-expression character class, without brackets.
INVISIBLE = (
    r"\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    r"\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    r"\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
# What a spreadsheet program reads as the start of a formula (OWASP's CSV-injection list,
# less tab and CR, which INVISIBLE refuses anyway).
FORMULA_START = "=+-@"

# The whole value of a cell of these types; a column's own `pattern` (for identifiers) takes their place.
TYPE_PATTERNS = {
    "client_key": r"^[0-9a-f]{64}$",
    "fsa": r"^[A-Z][0-9][A-Z]$",
    "year": r"^(?:19|20)[0-9]{2}$",
    "date": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
    "agency_code": r"^[A-Z0-9][A-Z0-9-]{1,11}$",
    "quarter": r"^[0-9]{4}Q[1-4]$",
    "integer": r"^-?[0-9]+$",
    "decimal": r"^-?[0-9]+(?:\.[0-9]+)?$",
    "text": rf"^(?![{re.escape(FORMULA_START)}])[^{INVISIBLE}]*$",
}
