-- The penalty severity rules in force (rule_penalty_severity), as one row of lists and thresholds.
with rules as ({{ rules_in_force('rule_penalty_severity', ['rule', 'value']) }})
select
    {{ agg_list('value', ['value'], "rule = 'serious_category'") }} as serious_categories,
    {{ agg_list('value', ['value'], "rule = 'minor_category'") }} as minor_categories,
    max(try_cast(value as double)) filter (where rule = 'serious_fine_at_least_wan') as serious_fine_at_least_wan,
    max(try_cast(value as double)) filter (where rule = 'minor_fine_below_wan') as minor_fine_below_wan
from rules
