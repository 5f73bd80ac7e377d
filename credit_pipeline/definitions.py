"""The Dagster code location: ingestion, dbt models and publication, with the daily schedule and the drop sensor."""

import dagster as dg

from credit_pipeline.assets.ingestion import ingest_feed_drop
from credit_pipeline.assets.publication import published_marts
from credit_pipeline.assets.transform import credit_dbt_models
from credit_pipeline.automation import changes_job, daily_job, daily_schedule, feed_drop_sensor, lifecycle_sensor
from credit_pipeline.dbt import dbt_resource

defs = dg.Definitions(
    assets=[ingest_feed_drop, credit_dbt_models, published_marts],
    jobs=[daily_job, changes_job],
    schedules=[daily_schedule],
    sensors=[lifecycle_sensor, feed_drop_sensor],
    resources={"dbt": dbt_resource()},
    # One DuckDB file takes one writer: steps run one after another in the run's own process.
    executor=dg.in_process_executor,
)
