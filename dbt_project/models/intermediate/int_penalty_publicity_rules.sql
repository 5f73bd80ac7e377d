-- Publicity periods per severity with the span in which each version holds (a penalty follows the
-- rule in force on its decision date).
select
    *,
    coalesce(lead(valid_from) over (partition by severity order by valid_from), date '9999-12-31') as valid_to
from {{ ref('rule_penalty_publicity') }}
