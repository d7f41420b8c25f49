-- the Wilson score interval macro (macros/cross_database/ratios.sql) at z = 1.96 against values
-- worked out by hand: 0/4 -> [0, 0.9604 / 1.9604]; 4/4 -> its mirror; 1/2 -> 0.5 -+ 1.96 *
-- sqrt(0.125 + 0.2401) / 2.9208; 10/100 -> the textbook [0.0552, 0.1744]; 0/0 -> null.
-- At 0/n the bounds are [0, z^2 / (n + z^2)] and at n/n their mirror: 0/11 -> [0, 3.8416 /
-- 14.8416], 11/11 -> [1 - 3.8416 / 14.8416, 1]. Every interval holds its rate exactly: at 0/11
-- the lower bound's two terms cancel only to about 2e-17 in floating point, which would put a
-- rate of 0 below its own interval (and fail the marts' tests that the rate lies within it).
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
        11 as trials,
        0.0 as expected_lower,
        0.258840 as expected_upper
    union all
    select
        11 as successes,
        11 as trials,
        0.741160 as expected_lower,
        1.0 as expected_upper
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
        {{ wilson_upper('successes', 'trials', z=1.96) }} as wilson_upper,
        {{ safe_ratio('successes', 'trials') }} as rate
    from cases
),

final as (
    select
        *,
        (trials = 0 and wilson_lower is null and wilson_upper is null)
        or (
            abs(wilson_lower - expected_lower) < 1e-6
            and abs(wilson_upper - expected_upper) < 1e-6
            and wilson_lower <= rate
            and rate <= wilson_upper
        ) as is_as_worked_out
    from computed
)

select * from final
where not is_as_worked_out
