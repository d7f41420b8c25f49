-- one row per account that has become a marketing-qualified account (MQA) by as_of: the first
-- moment its account score reached var mqa_account_score, the first moment its engaged
-- contacts reached var mqa_engaged_contacts, and the MQA moment, the earlier of the two
-- (docs/definitions.md#account-engagement-mqa-and-the-account-funnel).
--
-- Account score at t: the sum of the account_score_top_n highest member lead scores at t (a
-- member counts from its creation on; a score of 0 or below adds nothing, so a new contact
-- never lowers it). A member's score at t comes from its latest scoring moment at or before t
-- (int_lead_score_moments), decayed to t by the scoring macros (score_at_ctes), exactly as a
-- lead's mql_eligible_at is found. The score is evaluated at the moments a member's score
-- jumps up: its creation, its positive-point activities, and its own rising-penalty threshold
-- crossings. Between them member scores only decay, except while a penalty decays: an account
-- score rising that way is seen at the next evaluation moment.
--
-- Bounded work (1M leads, 20M activities): the engaged-contacts count is one running sum over
-- the edges of the members' engaged spans; the score is evaluated only up to the moment the
-- engaged-contacts trigger fired (the MQA cannot be later; later member moments are not
-- read) and where an upper bound of the account score (a running sum) reaches the
-- threshold, each evaluation moment paired with the members existing then, and each member's
-- state found with one window over its moments and its evaluation rows (no join of
-- evaluation moments with all member moments).
{%- set top_n = var('account_score_top_n') | int %}
{%- set mqa_score = var('mqa_account_score') %}
{%- set mqa_contacts = var('mqa_engaged_contacts') %}
{#- a trigger whose var is null is off: its condition is never true #}
{%- set score_trigger_on = '1 = 0' if mqa_score is none else '1 = 1' %}
{{ account_incremental_config(["{{ keep_settled_accounts() }}", "{{ delete_changed_accounts() }}"]) }}
-- the pre-hook reads the member fingerprints: depends_on: {{ ref('int_account_member_fingerprints') }}
with

lead_accounts as (select * from {{ ref('int_lead_accounts') }}),
leads as (select * from {{ ref('stg_leads') }}),
moments as (select * from {{ ref('int_lead_score_moments') }}),
all_spans as (select * from {{ ref('int_account_engagement_spans') }}),
as_of as (select * from {{ ref('run_as_of') }}),
account_fingerprints as ({{ account_fingerprint_sql() }}),

-- the accounts this run evaluates, with their fingerprint: every account on a full build; on
-- an incremental run those without a row (new, or deleted by the pre-hook)
accounts_to_evaluate as (
    select
        member_accounts.account_id,
        account_fingerprints.account_fingerprint
    from (
        select distinct account_id
        from lead_accounts
        where account_id is not null
    ) as member_accounts
    left join account_fingerprints
        on member_accounts.account_id = account_fingerprints.account_id
    {%- if is_incremental() %}
    left join {{ this }} as built
        on member_accounts.account_id = built.account_id
    where built.account_id is null
    {%- endif %}
),

members as (
    select
        lead_accounts.account_id,
        lead_accounts.lead_id,
        leads.created_at
    from lead_accounts
    inner join leads
        on lead_accounts.lead_id = leads.lead_id
    {%- if is_incremental() %}
    inner join accounts_to_evaluate
        on lead_accounts.account_id = accounts_to_evaluate.account_id
    {%- endif %}
    where lead_accounts.account_id is not null
),

-- the spans of the accounts evaluated (member_moments keeps their members' moments)
spans as (
    {%- if is_incremental() %}
    select all_spans.*
    from all_spans
    inner join accounts_to_evaluate
        on all_spans.account_id = accounts_to_evaluate.account_id
    {%- else %}
    select * from all_spans
    {%- endif %}
),

-- engaged-contacts trigger: +1 where a member's span starts, -1 where it ends; the count at t
-- takes every edge at or before t (a span ending at t no longer counts at t)
span_edges as (
    select
        account_id,
        engaged_from as edge_at,
        1 as engaged_change
    from spans
    union all
    select
        account_id,
        engaged_until as edge_at,
        -1 as engaged_change
    from spans
),

engaged_counts as (
    select
        account_id,
        edge_at,
        sum(engaged_change) over (
            partition by account_id
            order by edge_at
            range between unbounded preceding and current row
        ) as engaged_contacts
    from span_edges
),

engaged_triggers as (
    select
        engaged_counts.account_id,
        min(engaged_counts.edge_at) as engaged_contacts_reached_at
    from engaged_counts
    cross join as_of
    where engaged_counts.edge_at <= as_of.as_of_at
        {%- if mqa_contacts is none %}
        -- mqa_engaged_contacts is null: this trigger is off
        and 1 = 0
        {%- else %}
        and engaged_counts.engaged_contacts >= {{ mqa_contacts }}
        {%- endif %}
    group by engaged_counts.account_id
),

-- how far each member's moments are read: up to as_of and, where the engaged-contacts trigger
-- fired, up to it. Nothing later is evaluated, and every running sum below takes a moment's
-- earlier moments only (at 1M leads four in five member moments come after their account's
-- trigger).
member_cutoffs as (
    select
        members.account_id,
        members.lead_id,
        members.created_at,
        case
            when engaged_triggers.engaged_contacts_reached_at < as_of.as_of_at
                then engaged_triggers.engaged_contacts_reached_at
            else as_of.as_of_at
        end as read_until
    from members
    cross join as_of
    left join engaged_triggers
        on members.account_id = engaged_triggers.account_id
),

-- the members' moments up to their cutoff. The cutoff is a condition of the join, so the
-- moments past it are never joined (a filter after the join made 13M rows of the 23M stored
-- moments at 1M leads, to keep 1M of them: 4.1 s of this model's 5.3 s in a one-day run).
member_moments as (
    select
        member_cutoffs.account_id,
        member_cutoffs.created_at,
        moments.lead_id,
        moments.moment_type,
        moments.moment_at,
        moments.points,
        moments.profile_score,
        moments.engagement_points,
        moments.capped_rule_points,
        -- the change of the most this member's score can be until its next moment (floored
        -- at 0: a score of 0 or below adds nothing to the account score)
        moments.score_ceiling_change
    from moments
    inner join member_cutoffs
        on moments.lead_id = member_cutoffs.lead_id
            and moments.moment_at <= member_cutoffs.read_until
),

-- what the row is found from, for an account whose engaged-contacts trigger fired: its
-- members' moments up to the trigger (keep_settled_accounts keeps the row while it holds)
settled_fingerprints as (
    select
        member_moments.account_id,
        {{ mqa_settled_fingerprint('member_moments') }} as settled_fingerprint
    from member_moments
    inner join engaged_triggers
        on member_moments.account_id = engaged_triggers.account_id
            and member_moments.moment_at <= engaged_triggers.engaged_contacts_reached_at
    group by member_moments.account_id
),

-- an upper bound of the account score at each member moment: the sum over the members of
-- their latest score ceiling (each member's changes of its ceiling, stored with its moments,
-- summed up to the moment; a member not yet created or outside the top N only makes it
-- larger). Where it is below mqa_account_score the account score is too, and the moment
-- needs no evaluation: this prunes most moments of small accounts.
bounded_moments as (
    select
        account_id,
        created_at,
        moment_type,
        moment_at,
        points,
        sum(score_ceiling_change) over (
            partition by account_id
            order by moment_at
            range between unbounded preceding and current row
        ) as account_score_bound
    from member_moments
),

-- where a member's score jumps up, from its creation on (and not after the engaged-contacts
-- trigger: member_moments), with a bound at or above the threshold
evaluation_moments as (
    select distinct
        account_id,
        moment_at as evaluated_at
    from bounded_moments
    where moment_at >= created_at
        and (
            moment_type in ('created', 'threshold_crossing')
            or (moment_type = 'activity' and points > 0)
        )
        and {{ score_trigger_on }}
        and account_score_bound >= {{ mqa_score if mqa_score is not none else 0 }}
),

last_evaluations as (
    select
        account_id,
        max(evaluated_at) as last_evaluated_at
    from evaluation_moments
    group by account_id
),

-- each evaluation moment x the members existing then
evaluation_members as (
    select
        evaluation_moments.account_id,
        evaluation_moments.evaluated_at,
        members.lead_id
    from evaluation_moments
    inner join members
        on evaluation_moments.account_id = members.account_id
            and evaluation_moments.evaluated_at >= members.created_at
),

-- a member's moments (up to its account's last evaluation) and its evaluation rows in one
-- stream: the latest moment at or before each evaluation row is a running max (a moment at
-- the same instant comes first, so it counts)
member_streams as (
    select
        member_moments.lead_id,
        member_moments.moment_at as stream_at,
        0 as is_evaluation,
        member_moments.moment_at
    from member_moments
    inner join last_evaluations
        on member_moments.account_id = last_evaluations.account_id
            and member_moments.moment_at <= last_evaluations.last_evaluated_at
    union all
    select
        lead_id,
        evaluated_at as stream_at,
        1 as is_evaluation,
        cast(null as {{ dbt.type_timestamp() }}) as moment_at
    from evaluation_members
),

latest_moments as (
    select
        lead_id,
        stream_at as evaluated_at,
        is_evaluation,
        max(moment_at) over (
            partition by lead_id
            order by stream_at, is_evaluation
            rows between unbounded preceding and current row
        ) as latest_moment_at
    from member_streams
),

score_candidates as (
    select
        member_moments.account_id,
        latest_moments.lead_id,
        latest_moments.evaluated_at,
        member_moments.moment_at,
        member_moments.profile_score,
        member_moments.engagement_points,
        member_moments.capped_rule_points
    from latest_moments
    inner join member_moments
        on latest_moments.lead_id = member_moments.lead_id
            and latest_moments.latest_moment_at = member_moments.moment_at
    where latest_moments.is_evaluation = 1
),

{{ score_at_ctes('member_states', 'score_candidates', ['account_id', 'lead_id'], 'evaluated_at') }},

member_scores as (
    select
        account_id,
        lead_id,
        evaluated_at,
        {{ round_to('profile_score + engagement_points_at', 9) }} as lead_score_at
    from member_states
),

-- the account score at each evaluation: its top account_score_top_n member scores; a score
-- of 0 or below adds nothing
{{ top_values_sum_cte(
    'top_member_scores', 'member_scores', ['account_id', 'evaluated_at'], 'lead_score_at', 'lead_id', top_n
) }},

account_scores as (
    select
        account_id,
        evaluated_at,
        {{ round_to('value_sum', 9) }} as account_score_at
    from top_member_scores
),

score_triggers as (
    select
        account_id,
        min(evaluated_at) as account_score_reached_at
    from account_scores
    {%- if mqa_score is not none %}
    where account_score_at >= {{ mqa_score }}
    {%- endif %}
    group by account_id
),

-- every account evaluated, an MQA or not
triggers as (
    select
        accounts_to_evaluate.account_id,
        accounts_to_evaluate.account_fingerprint,
        score_triggers.account_score_reached_at,
        engaged_triggers.engaged_contacts_reached_at
    from accounts_to_evaluate
    left join score_triggers
        on accounts_to_evaluate.account_id = score_triggers.account_id
    left join engaged_triggers
        on accounts_to_evaluate.account_id = engaged_triggers.account_id
),

final as (
    select
        triggers.account_id,
        triggers.account_score_reached_at,
        triggers.engaged_contacts_reached_at,
        case
            when triggers.engaged_contacts_reached_at is null then triggers.account_score_reached_at
            when triggers.account_score_reached_at is null then triggers.engaged_contacts_reached_at
            when triggers.account_score_reached_at < triggers.engaged_contacts_reached_at
                then triggers.account_score_reached_at
            else triggers.engaged_contacts_reached_at
        end as mqa_at,
        case
            when triggers.account_score_reached_at is null and triggers.engaged_contacts_reached_at is null
                then null
            when triggers.account_score_reached_at = triggers.engaged_contacts_reached_at then 'both'
            when triggers.engaged_contacts_reached_at is null
                or triggers.account_score_reached_at < triggers.engaged_contacts_reached_at then 'account_score'
            else 'engaged_contacts'
        end as mqa_trigger,
        triggers.account_fingerprint,
        settled_fingerprints.settled_fingerprint,
        as_of.as_of_at as built_as_of_at,
        {{ written_by_run_id() }} as written_by_run_id
    from triggers
    left join settled_fingerprints
        on triggers.account_id = settled_fingerprints.account_id
    cross join as_of
)

select * from final
