{#
  Leniency (从轻情形, seed 003; SPEC §4): a record whose natural-person subject was under the minor age
  (rule_settings.minor_age_years, 18) on its decision or listing date is 未成年人, on every feed, whether or
  not the department said so; courts may not list a minor as 失信被执行人 at all (最高人民法院《关于公布失信
  被执行人名单信息的若干规定》第四条). Applied once, in int_records (and to a corrected penalty's original
  version, which counts until the correction). The age comes from the 身份证 number's birth date.
#}
{% macro leniency(declared, subject_type, id_type, id_number, on_date) -%}
    coalesce({{ declared }}, case
        when {{ subject_type }} = '自然人' and coalesce({{ id_type }}, '身份证') = '身份证'
         and {{ on_date }} < {{ add_months(birth_date_from_id(id_number), '12 * ' ~ minor_age_years()) }}
        then '未成年人' end)
{%- endmacro %}

{# The minor age in force on the as-of date, as a scalar subquery of the rules. #}
{% macro minor_age_years() -%}
    (select max(cast(value as integer)) from ({{ rules_in_force('rule_settings', ['setting']) }}) where setting = 'minor_age_years')
{%- endmacro %}

{# The birth date in an 18-character 身份证 number (GB 11643: characters 7-14), null if it is none. #}
{% macro birth_date_from_id(id_number) -%}
    {{ return(adapter.dispatch('birth_date_from_id', 'credit')(id_number)) }}
{%- endmacro %}
{% macro default__birth_date_from_id(id_number) -%}
    case when length({{ id_number }}) = 18 then try_strptime(substr({{ id_number }}, 7, 8), '%Y%m%d')::date end
{%- endmacro %}
{% macro spark__birth_date_from_id(id_number) -%}
    case when length({{ id_number }}) = 18 then to_date(substr({{ id_number }}, 7, 8), 'yyyyMMdd') end
{%- endmacro %}
