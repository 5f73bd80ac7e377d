-- depends_on: {{ ref('catalogue_feeds') }}
-- The subjects a scoped re-rating computes (SPEC §5: re-rate what changed, rebuild nothing else).
--   core:    every subject named in a delivery not yet rated (raw.rated_deliveries), the legal
--            representatives and controllers tied to it, and the organisations sharing one of them:
--            their archive, class, measures or related-party flag can change. The merge replaces these.
--   context: what core subjects' results are computed from (the organisations tied to each core
--            person, and those sharing a person with a core organisation). Computed, not merged.
-- Ties come from the last rating (the warehouse's int_subjects, read as it was before this run, so a
-- replaced legal representative is re-rated too) and from the new deliveries themselves.
-- When the as-of date moved on since the last rating (the daily run), every subject with a date between the two
-- is touched too: a record starts or stops counting, a publicity period or a measure ends, a deadline passes,
-- a record decided or delivered after the last as-of date now counts. Every other subject is as it was.
{% set record_feeds = ['xzxk', 'xzcf', 'qtxw', 'sxbzxr', 'xymd', 'xycn', 'zzsb', 'hypj'] %}
{# Each record feed's decision date, from the catalogue (read when the model runs). #}
{% set decision_items = {} %}
{% if execute and target.name == 'scoped' %}
{% for row in run_query("select feed, arg_max(decision_date_item, valid_from) from " ~ ref('catalogue_feeds') ~ " where feed not in ('yysq', 'xyxf') group by feed") %}
{% do decision_items.update({row[0]: row[1]}) %}
{% endfor %}
{% endif %}
{% set last_rating = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_subjects') %}
{% set last_states = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_record_states') %}
{% set in_window = "between w.since and w.until" %}
with window_ as (
    -- Only when the as-of date moved on. One day of margin on each side: recomputing a subject too many is
    -- harmless, one too few is not.
    select last_as_of - 1 as since, {{ as_of() }} + 1 as until
    from (select arg_max(as_of_date, rated_at) as last_as_of from {{ source('pipeline', 'ratings') }})
    where last_as_of < {{ as_of() }}
),
unrated as (
    select delivery_id from {{ source('raw', 'deliveries') }}
    where delivery_id not in (select delivery_id from {{ source('pipeline', 'rated_deliveries') }})
),
delivered as (
    {% for feed in record_feeds %}
    select {{ subject_block_id() }} as subject_id,
           case when {{ ident('行政相对人类别') }} <> '自然人' then {{ ident('法定代表人证件号码') }} end as person_id
    from {{ source('raw', feed) }} where _delivery_id in (select delivery_id from unrated)
    union all
    {% endfor %}
    select {{ ident('统一社会信用代码') }}, unnest([{{ ident('法定代表人证件号码') }}, {{ ident('实际控制人证件号码') }}])
    from {{ source('raw', 'djzc') }} where _delivery_id in (select delivery_id from unrated)
    union all
    select {{ application_subject_id() }}, null
    from {{ source('raw', 'yysq') }} where _delivery_id in (select delivery_id from unrated)
    union all
    select {{ application_subject_id() }}, null
    from {{ source('raw', 'xyxf') }} where _delivery_id in (select delivery_id from unrated)
),
crossing as (
    {%- if target.name == 'scoped' and last_states %}
    {%- for feed, item in decision_items.items() %}
    select {{ subject_block_id() if feed != 'djzc' else ident('统一社会信用代码') }} as subject_id
    from {{ source('raw', feed) }}, window_ w
    where {{ ident(item) }} {{ in_window }} or _delivery_date {{ in_window }}
    union
    {%- endfor %}
    select {{ application_subject_id() }} from {{ source('raw', 'yysq') }}, window_ w
    where {{ ident('申请日期') }} {{ in_window }} or {{ ident('处理日期') }} {{ in_window }} or _delivery_date {{ in_window }}
    union
    select {{ application_subject_id() }} from {{ source('raw', 'xyxf') }}, window_ w
    where {{ ident('申请日期') }} {{ in_window }} or {{ ident('决定日期') }} {{ in_window }} or _delivery_date {{ in_window }}
    union
    select subject_id from {{ last_states }}, window_ w
    where counts_from {{ in_window }} or effective_until {{ in_window }} or counts_until {{ in_window }}
       or publish_until {{ in_window }} or repairable_from {{ in_window }}
    union
    select subject_id from {{ adapter.get_relation(database=target.database, schema='marts', identifier='joint_measures') }}, window_ w
    where valid_from {{ in_window }} or valid_to {{ in_window }}
    union
    select subject_id from {{ adapter.get_relation(database=target.database, schema='intermediate', identifier='int_objections') }}, window_ w
    where due_on {{ in_window }}
    union
    select subject_id from {{ adapter.get_relation(database=target.database, schema='intermediate', identifier='int_repairs') }}, window_ w
    where due_on {{ in_window }}
    {%- else %}
    select null::varchar as subject_id where false
    {%- endif %}
),
ties as materialized (
    select subject_id, person_id from delivered where person_id is not null
    {%- if last_rating %}
    union
    select subject_id, legal_rep_id from {{ last_rating }} where legal_rep_id is not null and subject_type <> '自然人'
    union
    select subject_id, controller_id from {{ last_rating }} where controller_id is not null
    {%- endif %}
),
touched as (
    select subject_id from delivered where subject_id is not null
    union
    select subject_id from crossing where subject_id is not null
),
touched_people as (select person_id from ties where subject_id in (select subject_id from touched)),
core as (
    select subject_id from touched
    union select person_id from touched_people
    union select subject_id from ties where person_id in (select person_id from touched_people)
),
core_people as (
    select subject_id as person_id from core
    union select person_id from ties where subject_id in (select subject_id from core)
),
context as (
    select person_id as subject_id from core_people
    union select subject_id from ties where person_id in (select person_id from core_people)
)
select subject_id, true as is_core from core
union all
select subject_id, false from context where subject_id not in (select subject_id from core)
