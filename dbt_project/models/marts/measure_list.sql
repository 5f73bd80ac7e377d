-- The measure list of joint reward and punishment in force on the as-of date (rule_joint_measures),
-- published so that BI, the disclosure site and `credit-pipeline check` read the same list the marts
-- were built from. The as-of date is the release's (manifest.json): a change of the list is a rule coming
-- into force, which rates every subject again.
select m.*
from ({{ rules_in_force('rule_joint_measures', ['measure_code']) }}) m
