-- mart_revenue_by_channel has one row per view x month x lead_source x acquisition_offer (a
-- combination key, which no single-column unique test covers): a row returned is a
-- duplicated key and how often it occurs
with

revenue as (select * from {{ ref('mart_revenue_by_channel') }}),

final as (
    select
        view,  -- noqa: RF04
        month,  -- noqa: RF04
        lead_source,
        acquisition_offer,
        count(*) as row_count
    from revenue
    group by
        view,
        month,
        lead_source,
        acquisition_offer
    having count(*) > 1
)

select * from final
