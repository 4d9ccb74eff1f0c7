"""`accueil generate`: a realistic, deterministic region of anonymised extracts.

Writes one extract per agency and quarter (``{AGENCY}_{YYYY}Q{n}.xlsx``), the
agency reference file ``agencies.xlsx`` and ``truth.json`` with what was planted.
"""

from importlib import import_module

# The generator brings in numpy and pandas (about half a second): loaded on first use, so
# that the command line, which registers `accueil generate` from this package, starts quickly.
_LAZY = {
    "DEFAULT_START": "generator",
    "GenerateOptions": "generator",
    "generate": "generator",
    "partnership_key": "generator",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f"accueil.generate.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_START", "GenerateOptions", "generate", "partnership_key"]
