-- The measure list of joint reward and punishment in force on the as-of date (rule_joint_measures),
-- published so that BI, the disclosure site and `credit-pipeline check` read the same list the marts
-- were built from.
select m.*, {{ as_of() }} as as_of_date
from ({{ rules_in_force('rule_joint_measures', ['measure_code']) }}) m
