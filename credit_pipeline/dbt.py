"""The dbt project as Dagster sees it."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from credit_pipeline.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_resource() -> DbtCliResource:
    # The dbt beside this interpreter: the virtual environment need not be activated.
    return DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt"))


def prepare_manifest() -> None:
    """Build target/manifest.json (`dbt parse`): the code location needs it to load."""
    dbt_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
