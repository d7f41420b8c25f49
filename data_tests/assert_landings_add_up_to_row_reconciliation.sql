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
where landings.source_table is null
    or landings.raw_rows != tables.raw_rows
    or landings.valid_rows != tables.valid_rows
    or landings.rejected_rows != tables.rejected_rows
    or landings.duplicate_rows != tables.duplicate_rows
