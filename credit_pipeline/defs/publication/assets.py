"""Publication of the marts to $CREDIT_HOME/publish (Parquet + published.duckdb), swapped atomically."""

import json
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from credit_pipeline.defs.rating.assets import ENGINE, SPARK_TARGET_PATH
from credit_pipeline.progress import Stage, tool_chatter_hidden
from credit_pipeline.publish import publish
from credit_pipeline.publish import published_marts as mart_names  # the asset below takes the name
from credit_pipeline.resources import CreditResource
from credit_pipeline.settings import spark_target_from_environment
from credit_pipeline.spark_publish import publish_from_spark
from credit_pipeline.summary import department_table


@dg.asset(
    key=["publish", "published_marts"],
    deps=[dg.AssetKey(["marts", m]) for m in mart_names()],
    group_name="publication",
    kinds={"parquet", "duckdb"} | ({"spark"} if ENGINE == "spark" else set()),
    description="The read-only set BI and the disclosure site open: a Parquet dataset per mart (split by subject into "
    "bucket=NNN folders) and published.duckdb with a view per mart, under $CREDIT_HOME/publish (a symlink switched "
    "atomically to the newest release).",
)
def published_marts(context: dg.AssetExecutionContext, credit: CreditResource, dbt: DbtCliResource) -> dg.MaterializeResult:
    settings = credit.settings
    with Stage("publication", len(mart_names()), "marts", context.log) as stage:
        if settings.engine == "spark":
            manifest = publish_from_spark(settings.home, context.run.run_id, settings.as_of.isoformat(),
                                          _run_operation(dbt), on_mart=stage.advance)
        else:
            manifest = publish(settings.warehouse_path, settings.home, context.run.run_id, settings.as_of.isoformat(),
                               on_mart=stage.advance)
        stage.finish("nothing was rated since the current release: nothing published" if manifest is None else
                     f"{manifest['mode']} release {Path(manifest['release']).name}, "
                     f"{manifest['marts_rewritten']} of {len(manifest['rows'])} marts written")
    if manifest is None:
        return dg.MaterializeResult(metadata={"published": "nothing changed: the current release stands",
                                              "path": dg.MetadataValue.path(str(settings.publish_dir))})
    context.log.info(f"published {manifest['mode']} release {Path(manifest['release']).name}: {manifest['rows']}")
    return dg.MaterializeResult(
        metadata={
            "department_quality": dg.MetadataValue.md(department_table(settings.publish_dir)),
            "path": dg.MetadataValue.path(str(settings.publish_dir)),
            "release": dg.MetadataValue.path(manifest["release"]),
            "as_of_date": manifest["as_of_date"],
            **{f"rows_{mart}": count for mart, count in manifest["rows"].items()},
        }
    )


def _run_operation(dbt: DbtCliResource):
    """A macro of the dbt project run on the Spark target the build used (Spark writes the release's files)."""

    def run(macro: str, args: dict) -> None:
        with tool_chatter_hidden():  # dbt's lines, as in the build: the stage's own lines say it on the console
            dbt.cli(["run-operation", macro, "--args", json.dumps(args), "--target", spark_target_from_environment()],
                    target_path=SPARK_TARGET_PATH).wait()

    return run
