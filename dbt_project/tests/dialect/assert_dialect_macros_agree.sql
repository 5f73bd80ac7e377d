-- The dialect macros (macros/dialect.sql and the other dispatched ones) give DuckDB's values on every engine: this
-- test runs in every build, on DuckDB and on Spark, and returns each check whose value differs from the expected.
with items as (
    select * from (values (1, 'b', 'x', true), (2, 'a', 'y', false), (3, 'c', null, true), (4, 'a', 'z', true))
        as t(n, k, v, keep)  -- noqa: AL05
),
aggregates as (
    select
        {{ list_length(agg_list('v', ['k', 'n'])) }} as list_size,
        {{ agg_string("coalesce(v, '-')", ',', ['k', 'n']) }} as ordered_values,
        {{ agg_string('k', ';', distinct=true) }} as distinct_keys,
        {{ agg_string('k', ';', distinct=true, filter='keep') }} as distinct_kept,
        {{ agg_string('v', ',', ['n desc']) }} as descending,
        {{ agg_string('v', ',', ['n'], filter='n > 9') }} as none_kept,
        {{ map_from_lists(agg_list('k', ['n'], 'v is not null and n <> 2'), agg_list('v', ['n'], 'v is not null and n <> 2')) }}['a'] as map_value,
        {{ list_length(agg_list('v', ['n'], 'n > 9')) }} as empty_list_size
    from items
),
lists as (
    select
        {{ split_string("'警告;;罚款;'", ';') }} as fields,
        {{ list_literal(["'吊销许可证件'", "'罚款'"]) }} as serious,
        {{ list_literal([]) }} as none_
),
checks as (
    select 'agg_list keeps NULL elements' as check_name, cast(list_size as string) as actual, '4' as expected from aggregates
    union all select 'agg_string ordered', ordered_values, 'y,z,x,-' from aggregates
    union all select 'agg_string distinct', distinct_keys, 'a;b;c' from aggregates
    union all select 'agg_string distinct with filter', distinct_kept, 'a;b;c' from aggregates
    union all select 'agg_string descending', descending, 'z,y,x' from aggregates
    union all select 'agg_string of no row is NULL', coalesce(none_kept, 'NULL'), 'NULL' from aggregates
    union all select 'map_from_lists', map_value, 'z' from aggregates
    union all select 'agg_list of no row is NULL', coalesce(cast(empty_list_size as string), 'NULL'), 'NULL' from aggregates
    union all select 'split_string keeps empty fields', cast({{ list_length('fields') }} as string), '4' from lists
    union all select 'list_filter and list_transform',
        cast({{ list_length(list_filter(list_transform('fields', 'x', 'trim(x)'), 'x', "x <> ''")) }} as string), '2' from lists
    union all select 'list_contains', cast({{ list_contains('serious', "'罚款'") }} as string), 'true' from lists
    union all select 'list_contains without a match is false', cast({{ list_contains('serious', "'警告'") }} as string), 'false' from lists
    union all select 'list_has_any', cast({{ list_has_any('fields', 'serious') }} as string), 'true' from lists
    union all select 'list_has_any of an empty list is false', cast({{ list_has_any('none_', 'serious') }} as string), 'false' from lists
    union all select 'list_literal compares', cast({{ list_literal(["'罚款'"]) }} = {{ list_literal(["'罚款'"]) }} as string), 'true' from lists
    union all select 'list_length of NULL', coalesce(cast({{ list_length('nullif(' ~ list_literal(["'x'"]) ~ ', ' ~ list_literal(["'x'"]) ~ ')') }} as string), 'NULL'), 'NULL'
    union all select 'hex_to_bigint', cast({{ hex_to_bigint("'7fffffffffffff'") }} as string), '36028797018963967'
    union all select 'the publication bucket of a subject', cast({{ hex_to_bigint("substr(md5('91320281MA1AAAAAXA'), 1, 8)") }} % 16 as string), '13'
    union all select 'add_months to a month end', cast({{ add_months("date '2026-01-31'", 1) }} as string), '2026-02-28'
    union all select 'add_months from a leap day', cast({{ add_months("date '2024-02-29'", 12) }} as string), '2025-02-28'
    union all select 'add_months of NULL months', coalesce(cast({{ add_months("date '2024-02-29'", 'cast(null as int)') }} as string), 'NULL'), 'NULL'
    union all select 'add_days', cast({{ add_days("date '2026-02-28'", 1) }} as string), '2026-03-01'
    union all select 'number_text of a whole amount', {{ number_text('cast(5 as double)') }}, '5.0'
    union all select 'number_text of a small amount', {{ number_text('cast(0.0005 as double)') }}, '0.0005'
    union all select 'number_text of a large amount', {{ number_text('cast(10000000 as double)') }}, '10000000.0'
    union all select 'number_text of a fraction', {{ number_text('cast(-1.25 as double)') }}, '-1.25'
    union all select 'number_text of zero', {{ number_text('cast(0 as double)') }}, '0.0'
    union all select 'number_text of NULL', coalesce({{ number_text('cast(null as double)') }}, 'NULL'), 'NULL'
    union all select 'json_object_of keeps NULL items', {{ json_object_of([('处罚内容', "'甲/乙'"), ('备注', 'cast(null as string)')]) }},
        '{"处罚内容":"甲/乙","备注":null}'
    union all select 'json_value', {{ json_value("'{\"处罚内容\":\"对钱**罚款\"}'", '处罚内容') }}, '对钱**罚款'
    union all select 'mask_id_shapes', {{ mask_id_shapes("'号320281199203030021伙同'") }}, '号320281********0021伙同'
    union all select 'has_id_shape', cast({{ has_id_shape("'32028119920303002X'") }} as string), 'true'
    union all select 'birth_date_from_id', cast({{ birth_date_from_id("'320281201005010027'") }} as string), '2010-05-01'
    union all select 'birth_date_from_id of an impossible date', coalesce(cast({{ birth_date_from_id("'320281201002300027'") }} as string), 'NULL'), 'NULL'
)
select * from checks where actual is distinct from expected
