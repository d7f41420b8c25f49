{#- Decides the fate of every distinct raw row of one table (docs/definitions.md#bad-input):
    - a row delivered identically in several landings is one row: the first landing's (by
      file name) stands for it, and total_delivery_count counts every copy;
    - a row already unusable on its own keeps its reason (missing key, bad timestamp, ...);
    - a row dated after as_of is rejected as future_timestamp;
    - of the remaining rows sharing a key, one is kept (the latest timestamp, then the
      greatest row text, null read as '': raw_row_order_text) and the others are rejected
      as duplicate_key.
    Returns every input row with `reject_reason` (null = valid).

    Built landing by landing (raw_dir; macros/staging/landings.sql), an incremental run
    triages again only the keys whose fate can have changed, all their rows from every
    landing, and replaces the stored rows of those keys:
    - the keys of the rows this run read (new or re-delivered files);
    - the keys of stored rows from a re-delivered file (their old rows are gone);
    - the keys whose rows sit on the other side of as_of than when they were triaged (a
      future row that as_of has caught up with, or one that a moved-back as_of makes future);
    - rows without a key (rejected as missing_key; few), which are always triaged again.
    So a new landing's keys are compared with the stored keys, never all rows with all rows. -#}
{% macro triage_rows(base_model, key_column, timestamp_column) -%}
{%- set name = base_model[5:] -%}
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

base_rows as (select * from {{ ref(base_model) }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

{% if incremental -%}
-- the keys whose fate this run decides again (above)
keys_to_triage as (
    select {{ key_column }}
    from base_rows
    where loaded_by_run_id = '{{ invocation_id }}'
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
    from base_rows
    left join keys_to_triage
        on base_rows.{{ key_column }} = keys_to_triage.{{ key_column }}
    where keys_to_triage.{{ key_column }} is not null
        or base_rows.{{ key_column }} is null
),
{%- else -%}
base as (select * from base_rows),
{%- endif %}

-- identical rows from several landings (same raw_row_hash): the first landing's stands for
-- them all and carries every copy in total_delivery_count; only rows whose key (or lack of one)
-- more than one row shares can be such copies
shared_keys as (
    select {{ key_column }}
    from base
    where {{ key_column }} is not null
    group by {{ key_column }}
    having count(*) > 1
),

copies as (
    select
        base.*,
        count(*) over (partition by base.raw_row_hash) as total_delivery_count,
        row_number() over (
            partition by base.raw_row_hash
            order by base.landing_file
        ) as copy_number
    from base
    left join shared_keys
        on base.{{ key_column }} = shared_keys.{{ key_column }}
    where (shared_keys.{{ key_column }} is not null or base.{{ key_column }} is null)
        and base.raw_row_hash is not null
),

single_copies as (
    select
        base.*,
        1 as total_delivery_count,
        1 as copy_number
    from base
    left join shared_keys
        on base.{{ key_column }} = shared_keys.{{ key_column }}
    where not ((shared_keys.{{ key_column }} is not null or base.{{ key_column }} is null)
        and base.raw_row_hash is not null)
),

distinct_rows as (
    select * from copies where copy_number = 1
    union all
    select * from single_copies
),

checked as (
    select
        distinct_rows.*,
        coalesce(
            distinct_rows.row_reject_reason,
            case when distinct_rows.{{ timestamp_column }} > as_of.as_of_at then 'future_timestamp' end
        ) as single_row_reason
    from distinct_rows
    cross join as_of
),

-- keys that more than one usable row claims: only their rows are ranked (ordering every row
-- by its row text would sort the whole table for the few conflicting duplicates)
contested_keys as (
    select {{ key_column }}
    from checked
    where single_row_reason is null
    group by {{ key_column }}
    having count(*) > 1
),

contested as (
    select
        checked.*,
        row_number() over (
            partition by checked.{{ key_column }}
            order by
                checked.{{ timestamp_column }} desc nulls last,
                {{ raw_row_order_text('checked.raw_values') }} desc
        ) as key_rank
    from checked
    inner join contested_keys
        on checked.{{ key_column }} = contested_keys.{{ key_column }}
    where checked.single_row_reason is null
),

uncontested as (
    select
        checked.*,
        1 as key_rank
    from checked
    left join contested_keys
        on checked.{{ key_column }} = contested_keys.{{ key_column }}
    where contested_keys.{{ key_column }} is null
        or checked.single_row_reason is not null
),

ranked as (
    select * from contested
    union all
    select * from uncontested
),

final as (
    select
        ranked.*,
        coalesce(
            single_row_reason,
            case when key_rank > 1 then 'duplicate_key' end
        ) as reject_reason,
        '{{ invocation_id }}' as written_by_run_id
    from ranked
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
