-- The subjects a scoped re-rating computes (SPEC §5: re-rate what changed, rebuild nothing else).
--   core:    every subject named in a delivery not yet rated (raw.rated_deliveries), the legal
--            representatives and controllers tied to it, and the organisations sharing one of them:
--            their archive, class, measures or related-party flag can change. The merge replaces these.
--   context: what core subjects' results are computed from (the organisations tied to each core
--            person, and those sharing a person with a core organisation). Computed, not merged.
-- Ties come from the last rating (the warehouse's int_subjects, read as it was before this run, so a
-- replaced legal representative is re-rated too) and from the new deliveries themselves.
{% set record_feeds = ['xzxk', 'xzcf', 'qtxw', 'sxbzxr', 'xymd', 'xycn', 'zzsb', 'hypj'] %}
{% set last_rating = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_subjects') %}
with unrated as (
    select delivery_id from {{ source('raw', 'deliveries') }}
    where delivery_id not in (select delivery_id from {{ source('pipeline', 'rated_deliveries') }})
),
delivered as (
    {% for feed in record_feeds %}
    select {{ subject_id('"行政相对人类别"', '"统一社会信用代码"', '"工商注册号"', '"证件号码"') }} as subject_id,
           case when "行政相对人类别" <> '自然人' then "法定代表人证件号码" end as person_id
    from {{ source('raw', feed) }} where _delivery_id in (select delivery_id from unrated)
    union all
    {% endfor %}
    select "统一社会信用代码", unnest(["法定代表人证件号码", "实际控制人证件号码"])
    from {{ source('raw', 'djzc') }} where _delivery_id in (select delivery_id from unrated)
    union all
    select coalesce("统一社会信用代码", "证件号码"), null
    from {{ source('raw', 'yysq') }} where _delivery_id in (select delivery_id from unrated)
    union all
    select coalesce("统一社会信用代码", "证件号码"), null
    from {{ source('raw', 'xyxf') }} where _delivery_id in (select delivery_id from unrated)
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
touched as (select distinct subject_id from delivered where subject_id is not null),
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
