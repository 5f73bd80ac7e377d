"""Dagster assets: ingestion of the feed drop, the dbt models, and publication of the marts."""
