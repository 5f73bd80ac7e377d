"""The code location's definitions, loaded by `dg.load_from_defs_folder`: ingestion (feed assets, their
checks, the drop sensors), rating (the dbt models, the daily schedule), publication, and the jobs and
resources they share."""
