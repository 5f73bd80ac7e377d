"""The two jobs: the daily one (every subject, as of the day) and the one the sensors launch (re-rate only what
new deliveries touch)."""

import dagster as dg

from credit_pipeline.rerating import RATING_MODE_TAG

daily_job = dg.define_asset_job(
    "credit_daily",
    selection=dg.AssetSelection.all(),
    description="Everything once, as of the run's date (the schedule's day, or CREDIT_AS_OF): ingest new deliveries, "
    "dbt build, publish.",
)

changes_job = dg.define_asset_job(
    "credit_changes",
    selection=dg.AssetSelection.all(),
    tags={RATING_MODE_TAG: "scoped"},
    description="What the sensors launch: ingest the new deliveries, re-rate only the subjects they touch (and their "
    "ties) and republish just those subjects' rows. The daily job brings every subject to the new day.",
)
