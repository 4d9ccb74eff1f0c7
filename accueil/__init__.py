"""Accueil: a data warehouse for newcomer settlement outcomes and welcoming-community indicators."""

__version__ = "0.1.0"
