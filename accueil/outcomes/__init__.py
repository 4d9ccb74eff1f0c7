"""The catalogue of outcomes: one row per outcome the warehouse publishes (seeds/outcome_catalogue.csv).

The dbt tests of the outcome models, the dashboards' outcome names (accueil.i18n), the
funders' headline outcomes, the benchmark's figures and the table of docs/measures.md
(`accueil docs outcomes`) are all taken from this one seed, so adding an outcome is one row
there plus its SQL (docs/measures.md, "Adding an outcome").
"""

from accueil.outcomes.seed import Outcome, catalogue, codes, get, headline, labels

__all__ = ["Outcome", "catalogue", "codes", "get", "headline", "labels"]
