"""Rating: the dbt models (archive, classes, measures, marts) as assets, and the daily schedule."""
