"""Resources every part of the code location shares, and how its runs execute."""

import dagster as dg

from credit_pipeline.dbt import dbt_resource
from credit_pipeline.resources import CreditResource


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={"credit": CreditResource(), "dbt": dbt_resource()},
        # One DuckDB warehouse file takes one writer: steps run one after another in the run's own process.
        executor=dg.in_process_executor,
    )
