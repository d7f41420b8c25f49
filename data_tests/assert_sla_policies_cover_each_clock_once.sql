-- seeds/config/sla_policies.csv has exactly one policy per SLA clock that starts at mql (first_touch,
-- decision): a missing policy would leave every clock unjudged, a second one would be ambiguous
with

sla_policies as (select * from {{ ref('sla_policies') }}),

clock_ends as (
    select 'first_touch' as clock_end
    union all
    select 'decision' as clock_end
),

final as (
    select
        clock_ends.clock_end,
        count(sla_policies.sla_name) as policies
    from clock_ends
    left join sla_policies
        on
            clock_ends.clock_end = sla_policies.clock_end
            and sla_policies.start_stage = 'mql'
    group by clock_ends.clock_end
    having count(sla_policies.sla_name) != 1
)

select * from final
