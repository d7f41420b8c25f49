-- mart_targets_pacing has one row per month x metric
select
    month,
    metric,
    count(*) as grain_rows
from {{ ref('mart_targets_pacing') }}
group by
    month,
    metric
having count(*) > 1
