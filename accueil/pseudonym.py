"""Pseudonymous client keys: HMAC-SHA256 of a normalised identifier (domain brief, section 3).

Agencies compute the key on their own machines with the partnership key; the
warehouse only ever sees the result.  Normalising first makes the same person
hash the same at every agency whatever the formatting of the identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from accueil.contract import fold

# iCARE's "Unique Identifier" types, folded, -> the short name hashed with the value.
IDENTIFIER_TYPES = {
    fold("FOSS/GCMS Client ID"): "uci",
    fold("Temporary Resident or Minister’s Permit Number"): "permit",
    fold("IMM5292, IMM5509, IMM1000 Number"): "imm",
}
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def identifier_type(label: str) -> str:
    try:
        return IDENTIFIER_TYPES[fold(label)]
    except KeyError:
        raise ValueError(f"{label!r} is not an iCARE unique-identifier type") from None


def normalise_identifier(value: object) -> str:
    """'0012-345 678' and '12345678' and 12345678.0 all give '12345678'."""
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):  # a spreadsheet turned the id into a float
        text = text.split(".")[0]
    text = re.sub(r"[\s\-_./]", "", text).upper()
    return text.lstrip("0") or "0"


def client_key(partnership_key: bytes, id_type_label: str, id_value: object) -> str:
    message = f"{identifier_type(id_type_label)}:{normalise_identifier(id_value)}".encode()
    return hmac.new(partnership_key, message, hashlib.sha256).hexdigest()
