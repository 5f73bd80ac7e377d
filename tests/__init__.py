"""The test suite: unit tests, Dagster definitions, and end-to-end runs on hand-made and generated drops."""
