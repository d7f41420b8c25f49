-- seeds/config/stage_targets.csv holds one target per month and metric (a second row is summed
-- by mart_targets_pacing: a warning, as the file may split a target on purpose)
{{ config(severity='warn') }}
select
    month,
    metric,
    count(*) as target_rows
from {{ ref('stage_targets') }}
group by
    month,
    metric
having count(*) > 1
