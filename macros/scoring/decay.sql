{#- The decay maths of lead scoring, in one place: what a half-life means, how much of a value
    is left after a time, when a decaying value reaches a level, the decayed running sums of
    engagement points, and a lead's score at a moment (docs/definitions.md#metric-definitions).
    The rules and their caps: macros/scoring/scoring.sql. -#}

{#- The engagement half-life in days from the var, or none when decay is off (null or 0). -#}
{% macro scoring_half_life_days() -%}
    {%- set half_life = var('engagement_half_life_days', none) -%}
    {%- set text = half_life | string | trim | lower -%}
    {%- if half_life is none or text in ['', 'none', 'null'] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[+]?([0-9]+[.]?[0-9]*|[.][0-9]+)(e[-+]?[0-9]+)?', text) -%}
        {{ exceptions.raise_compiler_error(
            "engagement_half_life_days must be null, 0 (no decay) or a positive number of days, got '"
            ~ half_life ~ "'") }}
    {%- endif -%}
    {%- set days = text | float -%}
    {{ return(days if days > 0 else none) }}
{%- endmacro %}

{#- Decay of engagement points: a value v at t0 is worth v * 0.5 ^ (days since t0 / h) later,
    h = engagement_half_life_days (scoring_half_life_days); without a half-life nothing
    decays. The one home of that formula: every model and macro decays through the macros
    below. -#}

{#- The factor a value keeps after `days` days (an SQL expression): 0.5 ^ (days / h); 1 without
    a half-life. -#}
{% macro decay_factor(days) -%}
    {%- set half_life = scoring_half_life_days() -%}
    {%- if half_life -%}
    power(0.5, {{ days }} / {{ half_life }})
    {%- else -%}
    1
    {%- endif -%}
{%- endmacro %}

{#- The factor a value keeps after `half_lives` half-lives (0.5 ^ n), and its inverse, the
    factor by which it grows going back in time (2 ^ n), for sums kept in half-life units
    (decayed_running_sum_ctes). -#}
{% macro half_lives_decay(half_lives) -%}
    power(0.5, {{ half_lives }})
{%- endmacro %}

{% macro half_lives_growth(half_lives) -%}
    power(2.0, {{ half_lives }})
{%- endmacro %}

{#- The number of half-lives between two timestamps (a double); none without a half-life. -#}
{% macro half_lives_between(from_at, to_at) -%}
    {%- set half_life = scoring_half_life_days() -%}
    {%- if half_life -%}
    cast({{ days_between(from_at, to_at) }} as {{ type_double() }}) / {{ half_life }}
    {%- endif -%}
{%- endmacro %}

{#- The moment a value decaying from `value` at start_at has decayed to `level` (same sign,
    |level| < |value|; the same holds for a negative part rising to a level): start_at +
    h * log2(value / level). A null timestamp without a half-life (it never gets there). -#}
{% macro decayed_to_level_at(start_at, value, level) -%}
    {%- set half_life = scoring_half_life_days() -%}
    {%- if half_life -%}
    {{ timestamp_from_epoch_seconds(epoch_seconds(start_at) ~ ' + ' ~ (half_life * 86400)
        ~ ' * ln(' ~ value ~ ' / ' ~ level ~ ') / ln(2.0)') }}
    {%- else -%}
    cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- CTEs that add `decayed_sum` to every row of `source`: the sum of value_column over the
    rows of the same partition at or before the row's time_column (same-time rows included),
    each decayed by 0.5 ^ (days between the two / engagement_half_life_days); a plain
    running sum without decay. The last CTE is called `name`.

    One window pass, no per-day expansion: with an anchor t0 per partition,
        sum(v * 0.5 ^ ((t - t_i) / h)) = 0.5 ^ ((t - t0) / h) * running sum(v * 2 ^ ((t_i - t0) / h)).
    To keep 2 ^ x finite for any half-life, a partition's history is cut into blocks of 200
    half-lives, each with its own anchor; at t the sum is this block's running sum plus the
    previous block's total, both decayed to t. Older blocks have decayed by more than 2 ^ -200
    and are left out (an error below 1e-60 of their values).

    The partition columns are never null. The anchor is taken with a group by (not a window:
    no sort); the running sum is the only sort over the rows. -#}
{% macro decayed_running_sum_ctes(name, source, partition_by, time_column, value_column) -%}
    {%- set half_life = scoring_half_life_days() -%}
    {%- set block = 200 -%}
    {%- set partition = partition_by | join(', ') -%}
    {%- if not half_life %}
{{ name }} as (
    select
        {{ source }}.*,
        sum({{ value_column }}) over (
            partition by {{ partition }}
            order by {{ time_column }}
            range between unbounded preceding and current row
        ) as decayed_sum
    from {{ source }}
)
    {%- else %}
{{ name }}__anchors as (
    select
        {{ partition }},
        min({{ time_column }}) as decay_anchor_at
    from {{ source }}
    group by {{ partition }}
),

{#- inlined into its reader: DuckDB stored it (every source row with its columns) before the
    blocks were cut, which cost int_lead_score_moments' full build at 1M leads about 4 of
    56 s -#}
{{ name }}__anchored as {{ inline_cte() }} (
    select
        {{ source }}.*,
        {{ half_lives_between('anchors.decay_anchor_at', source ~ '.' ~ time_column) }} as decay_half_lives
    from {{ source }}
    inner join {{ name }}__anchors as anchors
        on {% for column in partition_by %}{{ source }}.{{ column }} = anchors.{{ column }}
            {%- if not loop.last %}
            and {% endif %}{% endfor %}
),

{{ name }}__blocked as (
    select
        {{ name }}__anchored.*,
        floor(decay_half_lives / {{ block }}) as decay_block,
        decay_half_lives - floor(decay_half_lives / {{ block }}) * {{ block }} as decay_half_lives_into_block
    from {{ name }}__anchored
),

{{ name }}__block_totals as (
    select
        {{ partition }},
        decay_block + 1 as decay_next_block,
        sum({{ value_column }} * {{ half_lives_growth('decay_half_lives_into_block') }}) as decay_block_total
    from {{ name }}__blocked
    group by {{ partition }}, decay_block
),

{{ name }} as (
    select
        blocked.*,
        {{ half_lives_decay('blocked.decay_half_lives_into_block') }} * sum(
            blocked.{{ value_column }} * {{ half_lives_growth('blocked.decay_half_lives_into_block') }}
        ) over (
            partition by {% for column in partition_by %}blocked.{{ column }}, {% endfor %}blocked.decay_block
            order by blocked.{{ time_column }}
            range between unbounded preceding and current row
        )
        + coalesce(
            {{ half_lives_decay('blocked.decay_half_lives_into_block + ' ~ block) }} * previous_block.decay_block_total,
            0
        ) as decayed_sum
    from {{ name }}__blocked as blocked
    left join {{ name }}__block_totals as previous_block
        on {% for column in partition_by %}blocked.{{ column }} = previous_block.{{ column }}
            and {% endfor %}blocked.decay_block = previous_block.decay_next_block
)
    {%- endif %}
{%- endmacro %}

{#- The score columns of a scoring moment, from its profile score and its engagement points
    (unrounded): engagement_score_at and lead_score_at, rounded to 1e-9 points (decayed sums
    leave float noise in the last digits: 80 points must not come out as 79.99999999999999
    and miss a threshold of 100), and is_at_or_above_threshold, the rounded lead score
    against mql_threshold. -#}
{% macro point_in_time_scores(profile_score, engagement_points) -%}
    {%- set lead_score = round_to(profile_score ~ ' + ' ~ engagement_points, 9) -%}
    {{ round_to(engagement_points, 9) }} as engagement_score_at,
        {{ lead_score }} as lead_score_at,
        {{ lead_score }} >= {{ var('mql_threshold', 100) }} as is_at_or_above_threshold
{%- endmacro %}

{#- The engagement points of a lead at to_at, from its state at from_at, its latest scoring
    moment (int_lead_score_moments): no activity and no cap release lies between the two, so
    only decay changes the score. The rules held at their cap at from_at (capped_points)
    stay there; the rest decays (decay_factor); nothing decays without a half-life. -#}
{% macro engagement_decayed_to(engagement_points, capped_points, from_at, to_at) -%}
    {%- if scoring_half_life_days() -%}
    ({{ capped_points }} + ({{ engagement_points }} - {{ capped_points }})
        * {{ decay_factor(days_between(from_at, to_at)) }})
    {%- else -%}
    {{ engagement_points }}
    {%- endif -%}
{%- endmacro %}

{#- CTEs giving a lead's score at a time from its latest scoring moment at or before that
    time (int_lead_score_moments): no activity and no cap release lies between the two, so
    only decay changes it (engagement_decayed_to). `candidates` holds one row per target (a
    lead at a time: as_of, an MQL entry, a first SQL) and scoring moment the target may
    start from: the target's key_columns, its time at_column, and the moment's moment_at,
    profile_score, engagement_points and capped_rule_points. Moments at the same instant
    hold the same score. The last CTE, `name`, has one row per target with a candidate: its
    keys, at_column, the latest moment's moment_at, profile_score, engagement_points and
    capped_rule_points, and engagement_points_at, the engagement points decayed to
    at_column. -#}
{% macro score_at_ctes(name, candidates, key_columns, at_column) -%}
    {%- set keys = key_columns + [at_column] -%}
{{ name }}__latest_moments as (
    select
        {%- for column in keys %}
        {{ column }},
        {%- endfor %}
        max(moment_at) as moment_at
    from {{ candidates }}
    group by {{ keys | join(', ') }}
),

{{ name }}__latest_states as (
    select
        {%- for column in keys %}
        latest_moments.{{ column }},
        {%- endfor %}
        latest_moments.moment_at,
        max(candidates.profile_score) as profile_score,
        max(candidates.engagement_points) as engagement_points,
        max(candidates.capped_rule_points) as capped_rule_points
    from {{ name }}__latest_moments as latest_moments
    inner join {{ candidates }} as candidates
        on {% for column in keys %}latest_moments.{{ column }} = candidates.{{ column }}
            and {% endfor %}latest_moments.moment_at = candidates.moment_at
    group by {% for column in keys %}latest_moments.{{ column }}, {% endfor %}latest_moments.moment_at
),

{{ name }} as (
    select
        {{ name }}__latest_states.*,
        {{ engagement_decayed_to('engagement_points', 'capped_rule_points', 'moment_at', at_column) }}
            as engagement_points_at
    from {{ name }}__latest_states
)
{%- endmacro %}

{#- The scoring moments of `moments` (int_lead_score_moments rows) at or before as_of, each
    with as_of_at (the one as_of row of `as_of`, run_as_of): the moments a lead's timeline
    and its as_of score are built from. -#}
{% macro moments_up_to_as_of(moments, as_of) -%}
    select
        {{ moments }}.*,
        {{ as_of }}.as_of_at
    from {{ moments }}
    cross join {{ as_of }}
    where {{ moments }}.moment_at <= {{ as_of }}.as_of_at
{%- endmacro %}
