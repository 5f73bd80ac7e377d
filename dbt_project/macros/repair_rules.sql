{#
  The pipeline's own decision on a repair application (SPEC §5, seed 003), which no department can
  override. `a` is the application (stg_repair_events columns), `r` the record (int_records) or null.
#}

{# Why the rules refuse the application, or null: no repair of an unknown record, of one the rules make
   unrepairable (rule_penalty_publicity.repairable: a 轻微 penalty decided before NDRC Order No. 36), or
   before the minimum publicity period has passed (repairable_from, the day after it ends). #}
{% macro repair_rule_refusal(a, r) -%}
    case
        when {{ r }}.record_id is null then '未找到涉及的信用记录'
        when not {{ r }}.is_repairable then '轻微处罚不予公示，无需修复'
        when {{ a }}.applied_on < {{ r }}.repairable_from
            then '申请早于最短公示期（' || cast({{ r }}.repairable_from as string) || ' 起可申请）'
    end
{%- endmacro %}

{# Whether the pipeline itself refused the application (rather than the department deciding). #}
{% macro repair_refused_by_rule(a, r) -%}
    ({{ repair_rule_refusal(a, r) }} is not null)
{%- endmacro %}

{# The decision as applied: refused by rule, else the department's decision once taken, else 受理中. #}
{% macro repair_decision(a, r) -%}
    case
        when {{ repair_refused_by_rule(a, r) }} then '不同意'
        when {{ repair_decided(a) }} then {{ a }}.decision
        else '受理中'
    end
{%- endmacro %}

{% macro repair_refusal_reason(a, r) -%}
    coalesce({{ repair_rule_refusal(a, r) }},
             case when {{ a }}.decision = '不同意' and {{ a }}.decided_on <= {{ as_of() }} then {{ a }}.refusal_reason end)
{%- endmacro %}

{# Whether the department had decided the application (同意 or 不同意) by the as-of date. #}
{% macro repair_decided(a) -%}
    ({{ a }}.decision in ('同意', '不同意') and {{ a }}.decided_on <= {{ as_of() }})
{%- endmacro %}
