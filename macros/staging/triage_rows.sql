{#- Decides the fate of every distinct raw row of one table (docs/definitions.md#bad-input):
    - a row delivered identically in several landings is one row: the first landing's (by
      file name) stands for it, and total_delivery_count counts every copy;
    - a row already unusable on its own keeps its reason (missing key, bad timestamp, ...);
    - a row dated after as_of is rejected as future_timestamp;
    - of the remaining rows sharing a key, one is kept (the latest timestamp, then the
      greatest row text, null read as '': raw_row_order_text) and the others are rejected
      as duplicate_key.
    Returns every input row with `reject_reason` (null = valid). The raw row text
    (raw_values, raw_values_masked) is given for the rows the data-quality models show: the
    rejected ones, and with lead_key=true (activities, stage changes) the usable rows whose
    lead is not a valid lead (rejected as unknown_lead downstream); a base model stores it
    only where its columns do not give it back (raw_values_of, macros/staging/raw_columns.sql).

    Built landing by landing (raw_dir; macros/staging/landings.sql), an incremental run
    triages again only the keys whose fate can have changed, all their rows from every
    landing, and replaces the stored rows of those keys:
    - the keys of the rows this run read (new or re-delivered files);
    - the keys of stored rows from a re-delivered file (their old rows are gone);
    - the keys whose rows sit on the other side of as_of than when they were triaged (a
      future row that as_of has caught up with, or one that a moved-back as_of makes future);
    - rows without a key (rejected as missing_key; few), which are always triaged again.
    So a new landing's keys are compared with the stored keys, never all rows with all rows. -#}
{% macro triage_rows(base_model, key_column, timestamp_column, lead_key=false) -%}
{%- set name = base_model[5:] -%}
{%- set shown = 'decided.reject_reason is not null' ~ (' or known_leads.lead_id is null' if lead_key else '') -%}
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='delete+insert',
    unique_key=key_column,
    pre_hook="{{ triage_pre_hook('" ~ key_column ~ "') }}",
    post_hook="{{ triage_post_hook('" ~ name ~ "') }}",
) }}
{%- set incremental = is_incremental() -%}
{%- set changed_files = landing_plan(name).changed if incremental else [] %}
with

as_of as (select as_of_at from {{ ref('run_as_of') }}),

{#- The base model is read where it is used, never stored once for several readers (a plain
    CTE read twice, which DuckDB materializes): that writes every stored row out again with
    its raw text. At 1M leads (20M activity rows) it took 25 of this model's 28 s in a
    one-day run and 21 of 26 s, with 3 GB spilled to disk, in a full build. -#}
{% if incremental -%}
-- the keys whose fate this run decides again (above)
keys_to_triage as (
    select {{ key_column }}
    from {{ ref(base_model) }}
    where written_by_run_id = '{{ invocation_id }}'
        and {{ key_column }} is not null
    union
    select stored.{{ key_column }}
    from {{ this }} as stored
    cross join as_of
    where stored.{{ key_column }} is not null
        and (
            stored.landing_file in ({{ landing_file_list(changed_files) }})
            or (stored.single_row_reason = 'future_timestamp' and stored.{{ timestamp_column }} <= as_of.as_of_at)
            or (stored.single_row_reason is null and stored.{{ timestamp_column }} > as_of.as_of_at)
        )
),

base as (
    select base_rows.*
    from {{ ref(base_model) }} as base_rows
    left join keys_to_triage
        on base_rows.{{ key_column }} = keys_to_triage.{{ key_column }}
    where keys_to_triage.{{ key_column }} is not null
        or base_rows.{{ key_column }} is null
),
{%- else -%}
base as {{ inline_cte() }} (select * from {{ ref(base_model) }}),
{%- endif %}

-- keys more than one row carries: only their rows can be copies of one delivery or
-- conflicting duplicates, so only they are compared and ranked (ordering every row would
-- sort the whole table for the few that share a key); rows without a key are among them
shared_keys as (
    select {{ key_column }}
    from base
    where {{ key_column }} is not null
    group by {{ key_column }}
    having count(*) > 1
),

-- Each of the two kinds of row (alone, sharing a key) joins base to shared_keys itself:
-- one CTE of the flagged rows read by both would be materialized by DuckDB, every row with
-- its raw text (at 1M leads, 20M activity rows: ~14 GB spilled to disk instead of ~4 GB,
-- 2.6 times slower).

-- a row alone with its key: one delivery, decided on its own
alone as (
    select
        base.*,
        false as shares_key,
        1 as total_delivery_count,
        1 as copy_number,
        coalesce(
            base.row_reject_reason,
            case when base.{{ timestamp_column }} > as_of.as_of_at then 'future_timestamp' end
        ) as single_row_reason,
        1 as key_rank
    from base
    left join shared_keys
        on base.{{ key_column }} = shared_keys.{{ key_column }}
    cross join as_of
    where shared_keys.{{ key_column }} is null
        and base.{{ key_column }} is not null
),

-- identical rows (same raw_row_hash) are one row: the first landing's (by file name) stands
-- for them all and carries every copy in total_delivery_count
copies as (
    select
        base.*,
        true as shares_key,
        count(*) over (partition by base.{{ key_column }}, base.raw_row_hash) as total_delivery_count,
        row_number() over (
            partition by base.{{ key_column }}, base.raw_row_hash
            order by base.landing_file
        ) as copy_number
    from base
    left join shared_keys
        on base.{{ key_column }} = shared_keys.{{ key_column }}
    where shared_keys.{{ key_column }} is not null
        or base.{{ key_column }} is null
),

checked as (
    select
        copies.*,
        coalesce(
            copies.row_reject_reason,
            case when copies.{{ timestamp_column }} > as_of.as_of_at then 'future_timestamp' end
        ) as single_row_reason
    from copies
    cross join as_of
    where copies.copy_number = 1
),

-- of the usable rows sharing a key, the first is kept; a row unusable on its own ranks 1
sharing as (
    select
        checked.*,
        case
            when checked.single_row_reason is null
                then row_number() over (
                    partition by checked.{{ key_column }}, checked.single_row_reason
                    order by
                        checked.{{ timestamp_column }} desc nulls last,
                        {{ raw_row_order_text(raw_values_of(name, 'checked')) }} desc
                )
            else 1
        end as key_rank
    from checked
),

ranked as (
    select * from alone
    union all
    select * from sharing
),

decided as (
    select
        ranked.*,
        coalesce(
            single_row_reason,
            case when key_rank > 1 then 'duplicate_key' end
        ) as reject_reason
    from ranked
),

{% if lead_key -%}
-- a usable row whose lead is not a valid lead (now) is shown as unknown_lead
known_leads as (select lead_id from {{ ref('stg_leads') }}),
{%- endif %}

-- the raw row text is kept where the data-quality models show it: rejected rows (and rows
-- whose lead is unknown); the other rows' text stays in the base model only
final as (
    select
        {{ star_replacing('decided', {
            'raw_values': 'case when ' ~ shown ~ ' then ' ~ raw_values_of(name, 'decided') ~ ' end',
            'raw_values_masked': 'case when ' ~ shown ~ ' then ' ~ raw_values_of(name, 'decided', masked=true) ~ ' end',
            'written_by_run_id': written_by_run_id(),
        }) }}
    from decided
    {%- if lead_key %}
    left join known_leads
        on decided.lead_id = known_leads.lead_id
    {%- endif %}
)

select * from final
{%- endmacro %}

{#- Before an incremental triage: the rows without a key are all triaged again. -#}
{% macro triage_pre_hook(key_column) -%}
    {%- if execute and is_incremental() -%}
        {{ return("delete from " ~ this ~ " where " ~ key_column ~ " is null") }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- After an incremental triage: a stored row from a re-delivered file that this run did not
    write again is no longer in that file (its key's rows were all triaged again). -#}
{% macro triage_post_hook(name) -%}
    {%- if execute and is_incremental() -%}
        {%- set changed_files = landing_plan(name).changed -%}
        {%- if changed_files -%}
            {{ return("delete from " ~ this ~ " where landing_file in (" ~ landing_file_list(changed_files)
                ~ ") and written_by_run_id != '" ~ invocation_id ~ "'") }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
