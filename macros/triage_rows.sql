{#- Decides the fate of every distinct raw row of one table (SPEC section 8):
    - a row already unusable on its own keeps its reason (missing key, bad timestamp, ...);
    - a row dated after as_of is rejected as future_timestamp;
    - of the remaining rows sharing a key, one is kept (the latest timestamp, then the
      greatest row text, null read as '': raw_row_order_text) and the others are rejected
      as duplicate_key.
    Returns every input row with `reject_reason` (null = valid). -#}
{% macro triage_rows(base_model, key_column, timestamp_column) -%}
with

base as (select * from {{ ref(base_model) }}),

as_of as (select as_of_at from {{ ref('stg_as_of') }}),

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

ranked as (
    select
        checked.*,
        row_number() over (
            partition by
                {{ key_column }},
                case when single_row_reason is null then 1 else 0 end
            order by {{ timestamp_column }} desc nulls last, {{ raw_row_order_text('raw_values') }} desc
        ) as key_rank
    from checked
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
