-- Every service matter a measure names is in the matter vocabulary (rule_service_matters), so
-- `credit-pipeline check --matter` can find every measure.
with matters as ({{ rules_in_force('rule_service_matters', ['matter']) }})
-- each_of names the unnested column `matter`, which has no table to qualify it with.
select m.measure_code, matter  -- noqa: RF03
from {{ ref('measure_list') }} m {{ each_of('m.matters', ';', 'matter') }}
where matter not in (select matter from matters)  -- noqa: RF03
