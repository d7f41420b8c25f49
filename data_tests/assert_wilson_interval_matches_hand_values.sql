-- the Wilson score interval macro (macros/cross_database/ratios.sql) at z = 1.96 against values
-- worked out by hand: 0/4 -> [0, 0.9604 / 1.9604]; 4/4 -> its mirror; 1/2 -> 0.5 -+ 1.96 *
-- sqrt(0.125 + 0.2401) / 2.9208; 10/100 -> the textbook [0.0552, 0.1744]; 0/0 -> null
with

cases as (
    select
        0 as successes,
        4 as trials,
        0.0 as expected_lower,
        0.489900 as expected_upper
    union all
    select
        4 as successes,
        4 as trials,
        0.510100 as expected_lower,
        1.0 as expected_upper
    union all
    select
        1 as successes,
        2 as trials,
        0.094529 as expected_lower,
        0.905471 as expected_upper
    union all
    select
        10 as successes,
        100 as trials,
        0.055229 as expected_lower,
        0.174367 as expected_upper
    union all
    select
        0 as successes,
        0 as trials,
        cast(null as {{ type_double() }}) as expected_lower,
        cast(null as {{ type_double() }}) as expected_upper
),

computed as (
    select
        successes,
        trials,
        expected_lower,
        expected_upper,
        {{ wilson_lower('successes', 'trials', z=1.96) }} as wilson_lower,
        {{ wilson_upper('successes', 'trials', z=1.96) }} as wilson_upper
    from cases
),

final as (
    select
        *,
        (trials = 0 and wilson_lower is null and wilson_upper is null)
        or (
            abs(wilson_lower - expected_lower) < 1e-6
            and abs(wilson_upper - expected_upper) < 1e-6
        ) as is_as_worked_out
    from computed
)

select * from final
where not is_as_worked_out
