-- seeds/channel_spend.csv holds one spend per month and channel (a second row would be
-- summed silently by mart_channel_performance)
select
    month,
    lead_source,
    count(*) as spend_rows
from {{ ref('channel_spend') }}
group by
    month,
    lead_source
having count(*) > 1
