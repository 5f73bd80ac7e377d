"""The two jobs: the daily one (every subject, as of the day) and the one the sensors launch (re-rate only what
new deliveries touch)."""

import dagster as dg

from credit_pipeline.rerating import RATING_MODE_TAG
from credit_pipeline.resources import ENGINE_TAG
from credit_pipeline.settings import engine_from_environment

# Every run says which engine built it (CREDIT_ENGINE where the code location loads).
ENGINE = {ENGINE_TAG: engine_from_environment()}

daily_job = dg.define_asset_job(
    "credit_daily",
    selection=dg.AssetSelection.all(),
    tags=ENGINE,
    description="Everything as of the run's date (the schedule's day, or CREDIT_AS_OF): ingest new deliveries, re-rate "
    "the subjects they touch and those with a date since the last rating (every subject when a rule comes into force "
    "or the models changed), publish what changed.",
)

changes_job = dg.define_asset_job(
    "credit_changes",
    selection=dg.AssetSelection.all(),
    tags=ENGINE,
    description="What the sensors launch within seconds of a delivery: the same steps, so the subjects a repair, an "
    "objection or a delivery touches are re-rated and republished without waiting for the next day.",
)

full_job = dg.define_asset_job(
    "credit_full_rebuild",
    selection=dg.AssetSelection.all(),
    tags={RATING_MODE_TAG: "full", **ENGINE},
    description="Every subject rated from the whole lake, as of the run's date: after a restore, or to check that the "
    "incremental runs publish what a full build does.",
)
