"""Accueil as a service: `accueil serve` (dashboards, Dagster daemon, optionally its UI) and `accueil status`."""
