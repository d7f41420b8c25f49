-- seeds/config/channel_spend.csv holds one spend per month and channel (a second row is summed by
-- mart_channel_performance: a warning, as the file may split spend on purpose)
{{ config(severity='warn') }}
select
    month,
    lead_source,
    count(*) as spend_rows
from {{ ref('channel_spend') }}
group by
    month,
    lead_source
having count(*) > 1
