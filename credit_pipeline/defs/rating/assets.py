"""The dbt models (staging → intermediate → marts) as Dagster assets; dbt tests are asset checks."""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from credit_pipeline.dbt import dbt_project
from credit_pipeline.ingest.lake import Lake
from credit_pipeline.progress import Stage, say, tool_chatter_hidden
from credit_pipeline.rerating import RATING_MODE_TAG, merge_scope, rating_plan, record_full_rating
from credit_pipeline.resources import CreditResource
from credit_pipeline.settings import DBT_PROJECT_DIR, engine_from_environment, spark_target_from_environment
from credit_pipeline.warehouse import set_run_as_of

# The scoped target keeps its own partial parse, so same-day scoped runs skip most of dbt's parsing.
SCOPED_TARGET_PATH = Path("target") / "scoped"
# So does Spark (another adapter: dbt would parse everything again each time it alternated with DuckDB).
SPARK_TARGET_PATH = Path("target") / "spark"
# The engine the dbt models are built with, as the code location loads (CREDIT_ENGINE): its kind in the UI.
ENGINE = engine_from_environment()
# rating_scope lists what a scoped DuckDB run re-rates, from the warehouse's bookkeeping; a Spark run rates everyone.
DUCKDB_ONLY = "rating_scope"


class CreditDbtTranslator(DagsterDbtTranslator):
    """Groups follow the dbt layers; seeds (catalogue and rules) form their own group. The kind shown is the engine
    that builds the models (the manifest is parsed once, with the DuckDB target)."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        return spec.replace_attributes(kinds={"dbt", ENGINE} | ({"view"} if "view" in spec.kinds else set()),
                                       metadata={**spec.metadata, "dagster/storage_kind": ENGINE})

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "catalogue_and_rules"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CreditDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)),
    name="credit_dbt_models",
    exclude=DUCKDB_ONLY if ENGINE == "spark" else None,
)
def credit_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, credit: CreditResource):
    """`dbt build` as of the run's date: seeds, models and their tests; a failing test stops what depends on it.

    Whenever it gives what a full build would (rerating.rating_plan), the same models are built for the subjects
    in rating_scope only (dbt target `scoped`) and merged into the warehouse once every test has passed.
    """
    settings = credit.settings
    lake = Lake(settings.lake_dir)
    # dbt finds the warehouse and the lake under CREDIT_HOME (profiles.yml, the sources): this run's home.
    os.environ["CREDIT_HOME"] = str(settings.home)
    if settings.engine == "spark":
        yield from _build_on_spark(context, dbt, settings)
        return
    set_run_as_of(settings.warehouse_path, settings.as_of)
    plan = rating_plan(settings.warehouse_path, dbt_project.manifest_path, DBT_PROJECT_DIR / "seeds", settings.as_of,
                       context.run.tags.get(RATING_MODE_TAG))
    say(f"rating as of {settings.as_of}: {plan.mode} ({plan.reason})", context.log)
    if plan.mode == "scoped":
        # Seeds are the last full build's (a rule coming into force makes the build full); unit tests test the SQL,
        # which the full build already did. Cautious indirect selection keeps every test that reads a model and a
        # seed (the public-disclosure masking guard reads the catalogue): under the default, excluding the seeds
        # would drop those tests from every scoped run.
        args = ["--target", "scoped", "--exclude", "resource_type:seed resource_type:unit_test",
                "--indirect-selection", "cautious"]
        invocation = dbt.cli(["build", *args], context=context, target_path=SCOPED_TARGET_PATH)
    else:
        invocation = dbt.cli(["build"], context=context)
    seeds = {k for k, g in context.assets_def.group_names_by_key.items() if g == "catalogue_and_rules"}
    total = len(context.selected_asset_keys - (seeds if plan.mode == "scoped" else set())) + len(context.selected_asset_check_keys)
    yield from _stream_with_progress(context, invocation, f"rating ({plan.mode})", total)
    if plan.mode == "scoped":
        report = merge_scope(settings.warehouse_path, lake, dbt_project.manifest_path, context.run.run_id, settings.as_of)
        removed = sum(r for r, _ in report.rows.values())
        written = sum(w for _, w in report.rows.values())
        say(f"merged {report.core_subjects:,} subjects (computed with {report.context_subjects:,} more for their ties) "
            f"from {report.deliveries:,} new deliveries: {removed:,} rows replaced by {written:,} in "
            f"{sum(1 for r, w in report.rows.values() if r or w)} tables", context.log)
        context.log.info("per table: " + ", ".join(f"{table} -{r:,}/+{w:,}" for table, (r, w) in report.rows.items()))
    else:
        record_full_rating(settings.warehouse_path, lake, dbt_project.manifest_path, context.run.run_id, settings.as_of)


def _stream_with_progress(context: dg.AssetExecutionContext, invocation, label: str, total: int):
    """The dbt invocation's events, passed on as they come, with a bar (or plain lines) counting the nodes."""
    built, failed = 0, []
    with Stage(label, total, "dbt nodes", context.log) as stage, tool_chatter_hidden():
        for event in invocation.stream():
            if isinstance(event, dg.AssetCheckResult):
                if not event.passed:
                    failed.append(f"{event.asset_key.to_user_string() if event.asset_key else ''} {event.check_name}".strip())
                stage.advance(1)
            elif isinstance(event, (dg.Output, dg.AssetMaterialization)):
                built += 1
                stage.advance(1)
            yield event
        stage.finish(f"{built:,} models and seeds built, {stage.done - built:,} tests"
                     + (f", {len(failed)} failed: {', '.join(failed[:5])}" if failed else ", all passed"))


def _build_on_spark(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings):
    """Every subject, every run: plain Parquet tables on Spark have no DELETE to merge a scoped re-rating into, and a
    cluster builds the whole archive in minutes. Unit tests test the SQL: they run in DuckDB builds (their fixtures
    are DuckDB SQL); on Spark, tests/test_spark.py compares the whole scenario's release with DuckDB's instead.

    The as-of date goes to dbt as the var `as_of_date`, which as_of() renders as a literal on Spark: the Spark
    warehouse has no pipeline.run_as_of (that table is the DuckDB warehouse's), and every Spark run rebuilds every
    model and view, so no view outlives the date it was built with."""
    target = spark_target_from_environment()
    say(f"rating as of {settings.as_of} on Spark (dbt target {target}): every subject", context.log)
    args = ["build", "--target", target, "--exclude", f"{DUCKDB_ONLY} resource_type:unit_test",
            "--vars", json.dumps({"as_of_date": settings.as_of.isoformat()})]
    invocation = dbt.cli(args, context=context, target_path=SPARK_TARGET_PATH)
    yield from _stream_with_progress(context, invocation, "rating (spark)",
                                     len(context.selected_asset_keys) + len(context.selected_asset_check_keys))
