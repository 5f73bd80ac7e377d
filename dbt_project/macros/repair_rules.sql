{#
  The pipeline's own decision on a repair application (SPEC §5, seed 003), which no department can
  override: no repair of an unknown record, of an unpublished (轻微) penalty, or before the minimum
  publicity period. Otherwise the department's decision once taken (by the as-of date), else 受理中.
  `a` is the application (stg_repair_events columns), `r` the record (int_records) or null.
#}
{% macro repair_decision(a, r) -%}
    case
        when {{ r }}.record_id is null then '不同意'
        when {{ r }}.feed = 'xzcf' and not {{ r }}.is_publishable then '不同意'
        when {{ r }}.repairable_from is not null and {{ a }}.applied_on < {{ r }}.repairable_from then '不同意'
        when {{ repair_decided(a) }} then {{ a }}.decision
        else '受理中'
    end
{%- endmacro %}

{% macro repair_refusal_reason(a, r) -%}
    case
        when {{ r }}.record_id is null then '未找到涉及的信用记录'
        when {{ r }}.feed = 'xzcf' and not {{ r }}.is_publishable then '轻微处罚不予公示，无需修复'
        when {{ r }}.repairable_from is not null and {{ a }}.applied_on < {{ r }}.repairable_from
            then '申请早于最短公示期（' || strftime({{ r }}.repairable_from, '%Y-%m-%d') || ' 起可申请）'
        when {{ a }}.decision = '不同意' and {{ a }}.decided_on <= {{ as_of() }} then {{ a }}.refusal_reason
    end
{%- endmacro %}

{# Whether the pipeline itself refused the application (rather than the department deciding). #}
{% macro repair_refused_by_rule(a, r) -%}
    ({{ r }}.record_id is null
     or ({{ r }}.feed = 'xzcf' and not {{ r }}.is_publishable)
     or ({{ r }}.repairable_from is not null and {{ a }}.applied_on < {{ r }}.repairable_from))
{%- endmacro %}

{# Whether the department had decided the application (同意 or 不同意) by the as-of date. #}
{% macro repair_decided(a) -%}
    ({{ a }}.decision in ('同意', '不同意') and {{ a }}.decided_on <= {{ as_of() }})
{%- endmacro %}
