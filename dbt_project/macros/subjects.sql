{# Columns every feed with the subject block shares (SPEC §2), in English. #}
{% macro subject_block() -%}
    {{ ident('行政相对人名称') }} as subject_name,
    {{ ident('行政相对人类别') }} as subject_type,
    {{ ident('统一社会信用代码') }} as uscc,
    {{ ident('工商注册号') }} as registration_no,
    {{ ident('法定代表人') }} as legal_rep_name,
    {{ legal_rep_id_type() }} as legal_rep_id_type,
    {{ ident('法定代表人证件号码') }} as legal_rep_id,
    {{ ident('证件类型') }} as id_type,
    {{ ident('证件号码') }} as id_number,
    {{ subject_block_id() }} as subject_id
{%- endmacro %}

{# The subject_id of a row of a feed with the subject block (an expression: Spark resolves no select alias in WHERE). #}
{% macro subject_block_id() -%}
    {{ subject_id(ident('行政相对人类别'), ident('统一社会信用代码'), ident('工商注册号'), ident('证件号码')) }}
{%- endmacro %}

{# A legal representative's ID type: as delivered, or 身份证 when only the number is. #}
{% macro legal_rep_id_type() -%}
    coalesce({{ ident('法定代表人证件类型') }}, case when {{ ident('法定代表人证件号码') }} is not null then '身份证' end)
{%- endmacro %}

{# The subject an objection or a repair application names (yysq, xyxf): its USCC, else a person's ID number. #}
{% macro application_subject_id() -%}
    coalesce({{ ident('统一社会信用代码') }}, {{ ident('证件号码') }})
{%- endmacro %}

{# subject_id (SPEC §6): the USCC; the registration number behind the placeholder USCC; a person's ID number. #}
{% macro subject_id(subject_type, uscc, registration_no, id_number) -%}
    case
        when {{ subject_type }} = '自然人' then {{ id_number }}
        when {{ uscc }} = '00000000000000000X' then {{ registration_no }}
        else {{ uscc }}
    end
{%- endmacro %}

{# The `_<n>` of a delivery's file name as a number, 0 without one (SPEC §2), as ingestion stored it. #}
{% macro delivery_seq() -%}
    _delivery_seq
{%- endmacro %}

{# The order of deliveries (SPEC §2 "latest"): delivery date, then the sequence as a number, then the line;
   the file last, so that two departments' rows on one day still order the same on every run. `staged` for
   the lineage columns' names (delivery_date, delivery_seq, source_line, source_file), else the raw ones. #}
{% macro delivery_order(direction='desc', staged=false) -%}
    {%- if staged -%}
    delivery_date {{ direction }}, delivery_seq {{ direction }}, source_line {{ direction }}, source_file {{ direction }}
    {%- else -%}
    _delivery_date {{ direction }}, {{ delivery_seq() }} {{ direction }}, _line {{ direction }}, _file {{ direction }}
    {%- endif -%}
{%- endmacro %}

{# Where each row came from: the delivery file and line, for lineage and the audit trail. With the record's
   key, also its first delivery (SPEC §4: timeliness is judged on it; a later correction is not a new record).
   The lake holds a line number as INTEGER in some files and BIGINT in others, and a feed's union of its files
   takes the wider type only once it has one of each: source_line is BIGINT always, as the marts' contract says. #}
{% macro lineage(key_columns=none) -%}
    _delivery_id as delivery_id,
    _file as source_file,
    cast(_line as bigint) as source_line,
    _delivery_date as delivery_date,
    {{ delivery_seq() }} as delivery_seq,
    _department_id as department_id
    {%- if key_columns %},
    min(_delivery_date) over (partition by {{ key_columns | join(', ') }}) as first_delivery_date,
    first_value(_delivery_id) over (partition by {{ key_columns | join(', ') }} order by {{ delivery_order('asc') }}) as first_delivery_id
    {%- endif %}
{%- endmacro %}

{# The rows a staging model reads: those delivered by the as-of date (SPEC §6: a later delivery does not
   apply yet) and, in a scoped re-rating, only the subjects in rating_scope. Use after the FROM clause. #}
{% macro delivered_by_as_of(scope_column='subject_id') -%}
    where _delivery_date <= {{ as_of() }} {{ in_rating_scope(scope_column) }}
{%- endmacro %}

{# A department may re-deliver a record to correct it: the latest delivery wins. #}
{% macro is_latest_delivery(key_columns) -%}
    row_number() over (partition by {{ key_columns | join(', ') }} order by {{ delivery_order('desc') }}) = 1
{%- endmacro %}
{% macro latest_delivery(key_columns) -%}
    qualify {{ is_latest_delivery(key_columns) }}
{%- endmacro %}

{# The natural persons behind each organisation of `relation` (seeds 001, 002, 004): its legal representative
   and its actual controller, one row per organisation, person and role. #}
{% macro organisation_people(relation) -%}
    select subject_id, legal_rep_id as person_id, legal_rep_name as person_name, '法定代表人' as person_role
    from {{ relation }} where legal_rep_id is not null and subject_type <> '自然人'
    union all
    select subject_id, controller_id, controller_name, '实际控制人'
    from {{ relation }} where controller_id is not null
{%- endmacro %}

{# One row per element of a `separator`-separated list column, as `alias`: a FROM-clause fragment to put
   after the relation (the catalogue separates lists with |). DuckDB and Spark spell it differently. #}
{% macro each_of(list_column, separator, alias) -%}
    {{ return(adapter.dispatch('each_of', 'credit')(list_column, separator, alias)) }}
{%- endmacro %}
{% macro default__each_of(list_column, separator, alias) -%}
    , unnest(string_split({{ list_column }}, '{{ separator }}')) as each_of_t({{ alias }})
{%- endmacro %}
{% macro spark__each_of(list_column, separator, alias) -%}
    lateral view explode(split({{ list_column }}, '\\{{ separator }}')) each_of_t as {{ alias }}
{%- endmacro %}
