-- mart_sla_mql_response has exactly one row per MQL entry of the stage history: no entry lost,
-- none invented, none repeated (returns the offending entries)
with

mql_entries as (select * from {{ ref('int_mql_entries') }}),

responses as (select * from {{ ref('mart_sla_mql_response') }}),

response_counts as (
    select
        mql_entry_id,
        count(*) as response_rows
    from responses
    group by mql_entry_id
),

final as (
    select
        coalesce(mql_entries.mql_entry_id, response_counts.mql_entry_id) as mql_entry_id,
        mql_entries.mql_entry_id is not null as is_in_stage_history,
        coalesce(response_counts.response_rows, 0) as response_rows
    from mql_entries
    full outer join response_counts
        on mql_entries.mql_entry_id = response_counts.mql_entry_id
    where mql_entries.mql_entry_id is null
        or response_counts.response_rows is null
        or response_counts.response_rows != 1
)

select * from final
