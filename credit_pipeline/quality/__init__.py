"""Great Expectations suites derived from the catalogue, gating publication (SPEC §3).

Nothing here imports great_expectations at module level: importing GX costs seconds, and the CLI
and the Dagster code location only pay it when they actually validate (see suites.py).
"""
