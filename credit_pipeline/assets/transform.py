"""The dbt models (staging → intermediate → marts) as Dagster assets; dbt tests are asset checks."""


import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from credit_pipeline.dbt import dbt_project
from credit_pipeline.settings import load_settings


class CreditDbtTranslator(DagsterDbtTranslator):
    """Groups follow the dbt layers; seeds (catalogue and rules) form their own group."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "catalogue_and_rules"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=CreditDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)), name="credit_dbt_models")
def credit_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` as of CREDIT_AS_OF: seeds, models and their tests; a failing test stops what depends on it."""
    as_of = load_settings().as_of.isoformat()
    context.log.info(f"evaluating as of {as_of}")
    yield from dbt.cli(["build", "--vars", json.dumps({"as_of_date": as_of})], context=context).stream()
