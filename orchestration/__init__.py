"""Dagster code for Accueil: assets, resources, sensors and checks gathered in one Definitions."""
