{#
  Publication from Spark (credit_pipeline/spark_publish.py runs it as `dbt run-operation`, after the build): every
  mart written by Spark into the new release folder in the layout of credit_pipeline/publish.py, which BI, check,
  report and the service read whatever engine built the release:
    <release>/<mart>/bucket=NNN/part-*.parquet  a mart with subject_id, split by the subject's bucket
    <release>/<mart>/part-*.parquet             a mart without (the measure list)
  A mart's number of buckets is the smallest power of two that keeps a bucket at `rows_per_bucket` rows, at most
  `max_buckets` (publish.buckets_for, which the Python side checks against what is written here). Within a bucket,
  rows are sorted by subject_id, one file per bucket. Besides, for the Python side to finish the release:
    <release>/.spark/schema/<mart>/   the mart's columns, zero rows (an empty mart, an empty bucket)
    <release>/.spark/marts/           one JSON line per mart: name, rows, buckets, keyed
  The bucket is the first 32 bits of md5(subject_id) modulo the buckets, as publish.bucket_sql computes it.
#}
{% macro publish_marts(release, marts, rows_per_bucket, max_buckets) %}
    {%- set written = [] -%}
    {%- for name in marts -%}
        {%- set relation = adapter.get_relation(database=none, schema='marts', identifier=name) -%}
        {%- if relation is none -%}{{ exceptions.raise_compiler_error("no mart " ~ name ~ " to publish") }}{%- endif -%}
        {%- set keyed = adapter.get_columns_in_relation(relation) | selectattr('name', 'equalto', 'subject_id') | list | length > 0 -%}
        {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] | int -%}
        {%- set buckets = namespace(n=1) -%}
        {%- if keyed -%}
            {%- for _ in range(max_buckets) if buckets.n * rows_per_bucket < rows and buckets.n < max_buckets -%}
                {%- set buckets.n = buckets.n * 2 -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set folder = release ~ '/' ~ name -%}
        {%- if keyed -%}
            {%- set scratch = adapter.quote('publish_' ~ name) -%}
            {%- do run_query('drop table if exists marts.' ~ scratch) -%}
            {%- set bucket = "lpad(cast(" ~ hex_to_bigint('substr(md5(subject_id), 1, 8)') ~ " % " ~ buckets.n ~ " as string), 3, '0')" -%}
            {%- do run_query("create table marts." ~ scratch ~ " using parquet partitioned by (bucket) location '" ~ folder ~ "'"
                ~ " as select *, " ~ bucket ~ " as bucket from " ~ relation ~ " distribute by bucket sort by bucket, subject_id") -%}
            {#- The table is external (its own location): dropping it leaves the files. -#}
            {%- do run_query('drop table marts.' ~ scratch) -%}
        {%- else -%}
            {%- do run_query("insert overwrite directory '" ~ folder ~ "' using parquet select * from " ~ relation ~ " distribute by 1") -%}
        {%- endif -%}
        {%- do run_query("insert overwrite directory '" ~ release ~ "/.spark/schema/" ~ name ~ "' using parquet select * from " ~ relation ~ " limit 0") -%}
        {%- do written.append("('" ~ name ~ "', " ~ rows ~ ", " ~ buckets.n ~ ", " ~ keyed ~ ")") -%}
    {%- endfor -%}
    {%- do run_query("insert overwrite directory '" ~ release ~ "/.spark/marts' using json select * from values "
        ~ written | join(', ') ~ " as t(name, rows, buckets, keyed) distribute by 1") -%}
{% endmacro %}
