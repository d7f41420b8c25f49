-- docs/definitions.md#landings-and-the-ledger: the landings of every raw table add up to its
-- row in dq_row_reconciliation, column by column
with

landings as (
    select
        source_table,
        sum(raw_rows) as raw_rows,
        sum(valid_rows) as valid_rows,
        sum(rejected_rows) as rejected_rows,
        sum(duplicate_rows) as duplicate_rows
    from {{ ref('dq_landing_reconciliation') }}
    group by source_table
),

tables as (select * from {{ ref('dq_row_reconciliation') }})

select
    tables.source_table,
    tables.raw_rows,
    landings.raw_rows as landing_raw_rows
from tables
left join landings
    on tables.source_table = landings.source_table
-- a table whose landings hold no row at all (empty files) has no landing row: zeros
where coalesce(landings.raw_rows, 0) != tables.raw_rows
    or coalesce(landings.valid_rows, 0) != tables.valid_rows
    or coalesce(landings.rejected_rows, 0) != tables.rejected_rows
    or coalesce(landings.duplicate_rows, 0) != tables.duplicate_rows
