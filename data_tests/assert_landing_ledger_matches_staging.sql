-- docs/definitions.md#landings-and-the-ledger: every landing file in the ledger holds, in
-- staging, exactly the rows the ledger counted when it was read (no file read twice, none
-- lost), and staging holds no rows of a file the ledger does not know (raw_dir only)
with

ledger as (select * from {{ ref('stg_landing_ledger') }}),

staged as (
    {%- for table in ['leads', 'activities', 'stage_changes'] %}
    select
        '{{ table }}' as source_table,
        landing_file,
        count(*) as raw_rows
    from {{ ref('base_' ~ table) }}
    where landing_file is not null
    {%- if crm_source() != 'files' %}
        -- a CRM adapter's landing_file names its connector table: no raw_dir file, no ledger
        and 1 = 0
    {%- endif %}
    group by landing_file
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select
    coalesce(ledger.source_table, staged.source_table) as source_table,
    coalesce(ledger.landing_file, staged.landing_file) as landing_file,
    ledger.raw_rows as ledger_raw_rows,
    staged.raw_rows as staged_raw_rows
from ledger
full outer join staged
    on ledger.source_table = staged.source_table
        and ledger.landing_file = staged.landing_file
where ledger.landing_file is null
    or coalesce(staged.raw_rows, 0) != ledger.raw_rows
