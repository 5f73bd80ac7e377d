"""The few names of dbt's Jinja context that the models' macros use beyond sqlfluff's dbt builtins (`ref`, `source`,
`var`, `config`, `is_incremental`), for sqlfluff's jinja templater (.sqlfluff, `library_path`): enough to render
every model as the SQL DuckDB runs, to lint it, not to run it. `adapter.dispatch` finds the `default__` macro, as
dbt does on DuckDB; `dbt.dateadd` is DuckDB's date arithmetic; `run_query` finds nothing, as at dbt's parse, and
`adapter.get_relation` finds every relation, so that the SQL of a later run is rendered (rating_scope)."""

from jinja2 import pass_context


class _Target:
    name = "scoped"  # the target with the most SQL to render: rating_scope's window exists only there
    type = "duckdb"
    schema = "main"


class _Adapter:
    @staticmethod
    @pass_context
    def dispatch(context, macro_name, macro_namespace=None):
        return context.resolve(f"default__{macro_name}")

    @staticmethod
    def quote(identifier):
        return f'"{identifier}"'

    @staticmethod
    def get_relation(database=None, schema=None, identifier=None):
        return f"{schema}.{identifier}"


class _Dbt:
    @staticmethod
    def dateadd(datepart, interval, from_date_or_timestamp):
        return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


target = _Target()
adapter = _Adapter()
dbt = _Dbt()
execute = False


def run_query(sql):
    return []
