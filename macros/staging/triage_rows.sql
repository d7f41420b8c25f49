{#- Decides the fate of every distinct raw row of one table (docs/definitions.md#bad-input):
    - a row already unusable on its own keeps its reason (missing key, bad timestamp, ...);
    - a row dated after as_of is rejected as future_timestamp;
    - of the remaining rows sharing a key, one is kept (the latest timestamp, then the
      greatest row text, null read as '': raw_row_order_text) and the others are rejected
      as duplicate_key.
    Returns every input row with `reject_reason` (null = valid). -#}
{% macro triage_rows(base_model, key_column, timestamp_column) -%}
with

base as (select * from {{ ref(base_model) }}),

as_of as (select as_of_at from {{ ref('run_as_of') }}),

checked as (
    select
        base.*,
        coalesce(
            base.row_reject_reason,
            case when base.{{ timestamp_column }} > as_of.as_of_at then 'future_timestamp' end
        ) as single_row_reason
    from base
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
        ) as reject_reason
    from ranked
)

select * from final
{%- endmacro %}
