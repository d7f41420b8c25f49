{#- Incremental account models (docs/definitions.md: account engagement, MQA and the account
    funnel; README: Incremental runs and scale).

    int_account_engagement_spans is partitioned by member (a lead with an account): a member's
    spans depend only on its own activities, its creation, its account, account_engaged_days
    and as_of. int_account_mqa_evaluations is partitioned by account: an account's MQA moment
    depends only on its members' scoring moments and spans, the MQA vars and as_of. Each row
    carries the fingerprint of the inputs it was built from (int_account_member_fingerprints;
    for an account, account_fingerprint_sql) and the as_of it was built at (built_as_of_at).
    An incremental run
      1. deletes the rows of every member (account) whose stored fingerprint is no longer
         current (new, late or re-delivered activities, a lead that moved to another account:
         both accounts' fingerprints change, a changed var or seed, a change to the code the
         model is built from), and of every member (account) with an input instant between
         the as_of its rows were built at and the current as_of (an activity, scoring moment
         or span start that as_of now includes or excludes), before the model runs (pre-hook);
      2. builds only the members (accounts) without rows, from all of their inputs.
    Before step 1, an account whose engaged-contacts trigger fired is kept when what it was
    found from (its members' moments up to that trigger) is unchanged, whatever its members
    did later (keep_settled_accounts): most accounts a day's activities touch are such MQAs.
    A member or account that has no rows (no engagement; never an MQA account is still
    stored, as a row with a null mqa_at) is rebuilt every run; a member without engagement
    activities costs nothing but a filter. So after any sequence of landings the tables hold
    exactly what a full refresh builds. On Spark (no deletes without Delta) they are plain
    tables, rebuilt every run (lead_incremental_materialization). -#}


{#- The config of an incremental account model: incremental where the engine can delete rows
    (lead_incremental_materialization), rows appended per member or account, `pre_hook`
    deleting the rows whose inputs changed. -#}
{% macro account_incremental_config(pre_hook) -%}
    {%- do config(
        materialized=lead_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook=pre_hook,
    ) -%}
{%- endmacro %}

{#- The current fingerprint of every account with a member: its members (lead_id and
    score_input_fingerprint: the lead row, its activities, the scoring rules and vars, the
    scoring code), the MQA vars and the version of the code int_account_mqa_evaluations is
    built from. A lead moving from account A to B changes both fingerprints. -#}
{% macro account_fingerprint_sql() -%}
    select
        account_id,
        {{ row_hash([fingerprint_sum(row_hash(['lead_id', 'score_input_fingerprint']))] + mqa_configuration_literals()) }}
            as account_fingerprint
    from {{ ref('int_account_member_fingerprints') }}
    group by account_id
{%- endmacro %}

{#- The fingerprint of what an account's MQA moment was found from when its engaged-contacts
    trigger fired (engaged_contacts_reached_at): an aggregate over `moments` (rows of
    int_lead_score_moments: its members' scoring moments at or before that instant), with the
    MQA vars and the version of the code int_account_mqa_evaluations is built from.

    Everything the model finds for such an account lies at or before that instant: the
    engaged-contacts count up to it depends on the spans' starts and ends up to it, which come
    from the members' creations and positive-point activities up to it (their moments); the
    account score is evaluated only up to it, from the members' moments up to it. So while
    this fingerprint holds, nothing later (a new activity, a new member created later) can
    change the row: the account is settled (keep_settled_accounts). The scores are rounded to 9
    decimals, as the project's scores are, so that a last-bit difference between two builds of
    the same moments does not count as a change. -#}
{% macro mqa_settled_fingerprint(moments) -%}
    {{ row_hash([fingerprint_sum(row_hash([
            moments ~ '.lead_id', moments ~ '.moment_type', moments ~ '.moment_at',
            round_to(moments ~ '.points', 9), round_to(moments ~ '.profile_score', 9),
            round_to(moments ~ '.engagement_points', 9), round_to(moments ~ '.capped_rule_points', 9),
            round_to(moments ~ '.score_ceiling_change', 9),
        ]))] + mqa_configuration_literals()) }}
{%- endmacro %}

{#- What else an account's MQA evaluation is built from, as SQL string literals for row_hash:
    the MQA vars and the version of the code int_account_mqa_evaluations is built from. -#}
{% macro mqa_configuration_literals() -%}
    {{ return([
        "'" ~ [var('account_engaged_days'), var('account_score_top_n'), var('mqa_account_score'),
               var('mqa_engaged_contacts')] | join('|') ~ "'",
        "'" ~ nodes_logic_version(['int_account_mqa_evaluations']) ~ "'",
    ]) }}
{%- endmacro %}

{#- The rows of `relation` (with a lead_id and `instant_column`) whose instant lies between an
    as_of the stored rows of {{ this }} were built at and the current as_of (either way: as_of
    may also move back): their leads' rows may change with as_of. A join with the few distinct
    stored as_of values, so the relation is scanned once.

    The earliest and latest of those as_of values are read first (as_of_window_bounds) and
    written into the scan's filter as constants: DuckDB then skips the stored blocks whose
    instants all lie outside them, so a daily run reads about the day's rows instead of every
    stored row (at 1M leads, 0.4 s to 0.01 s for the 20M scored activities). The join
    keeps the exact condition. No stored as_of differs from the current one: no rows. -#}
{% macro leads_between_as_ofs(relation, instant_column, condition='1 = 1') -%}
    {%- set bounds = as_of_window_bounds() -%}
    select distinct moved.lead_id
    from (
        select * from {{ relation }}
        where ({{ condition }})
        {%- if bounds is none %}
            and 1 = 0
        {%- else %}
            and {{ instant_column }} > cast('{{ bounds[0] }}' as {{ dbt.type_timestamp() }})
            and {{ instant_column }} <= cast('{{ bounds[1] }}' as {{ dbt.type_timestamp() }})
        {%- endif %}
    ) as moved
    inner join ({{ moved_as_of_pairs_sql() }}) as as_ofs
        on (moved.{{ instant_column }} > as_ofs.built_as_of_at and moved.{{ instant_column }} <= as_ofs.as_of_at)
            or (moved.{{ instant_column }} > as_ofs.as_of_at and moved.{{ instant_column }} <= as_ofs.built_as_of_at)
{%- endmacro %}

{#- The distinct pairs (built_as_of_at, as_of_at) of an as_of the stored rows of {{ this }}
    were built at and the current as_of, where the two differ: the windows in which a moved
    instant can change a stored row (leads_between_as_ofs, as_of_window_bounds). -#}
{% macro moved_as_of_pairs_sql() -%}
    select distinct
        built.built_as_of_at,
        current_as_of.as_of_at
    from {{ this }} as built
    cross join {{ ref('run_as_of') }} as current_as_of
    where built.built_as_of_at != current_as_of.as_of_at
{%- endmacro %}

{#- The earliest and the latest of the current as_of and the as_of values the stored rows of
    {{ this }} were built at, when one of those differs from the current as_of (a pair of
    timestamps as text); none otherwise. Queried when the pre-hook runs. -#}
{% macro as_of_window_bounds() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        "select cast(min(least(built_as_of_at, as_of_at)) as " ~ dbt.type_string() ~ "), "
        ~ "cast(max(greatest(built_as_of_at, as_of_at)) as " ~ dbt.type_string() ~ ") "
        ~ "from (" ~ moved_as_of_pairs_sql() ~ ") as as_ofs") -%}
    {%- set row = result.rows[0] -%}
    {%- if row[0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return([row[0], row[1]]) }}
{%- endmacro %}

{#- Pre-hook of int_account_engagement_spans: delete the spans of members whose fingerprint
    changed (or who are no members any more), and of members with an activity between the
    as_of their spans were built at and the current as_of (spans read the activities up to
    as_of). -#}
{% macro delete_changed_members() -%}
    {%- if is_incremental() and not stored_columns_present(['member_fingerprint', 'built_as_of_at']) -%}
    delete from {{ this }}
    {%- elif is_incremental() -%}
    delete from {{ this }}
    where lead_id in (
        select built.lead_id
        from (select distinct lead_id, member_fingerprint from {{ this }}) as built
        left join {{ ref('int_account_member_fingerprints') }} as current_members
            on built.lead_id = current_members.lead_id
                and built.member_fingerprint = current_members.span_fingerprint
        where current_members.lead_id is null
        union all
        {{ leads_between_as_ofs(ref('int_activities_scored'), 'occurred_at', is_engagement_activity()) }}
    )
    {%- endif -%}
{%- endmacro %}

{#- Whether a stored row of int_account_mqa_evaluations (alias `stored`) is a settled account
    at the current as_of (alias `as_of`, a row of run_as_of): its engaged-contacts trigger fired
    (it has a settled_fingerprint) at or before that as_of, so nothing after the trigger can
    change its row while the settled fingerprint holds (mqa_settled_fingerprint). -#}
{% macro is_settled_account(stored, as_of) -%}
    ({{ stored }}.settled_fingerprint is not null
        and {{ stored }}.engaged_contacts_reached_at <= {{ as_of }}.as_of_at)
{%- endmacro %}

{#- First pre-hook of int_account_mqa_evaluations: keep the settled accounts whose inputs
    changed only after their engaged-contacts trigger. A stored account with an
    engaged_contacts_reached_at at or before the current as_of, whose fingerprint is no longer
    current but whose settled_fingerprint (mqa_settled_fingerprint), computed again from its
    current members' current moments up to that instant, is the stored one, would be evaluated
    to the same row: it gets the current account_fingerprint instead of being deleted. Only
    the accounts whose fingerprint changed are computed again. A day's landing mostly adds
    later activities to the members of accounts that became MQAs long ago: they stay as they
    are. -#}
{% macro keep_settled_accounts() -%}
    {%- if is_incremental() and stored_columns_present(['account_fingerprint', 'built_as_of_at', 'settled_fingerprint']) -%}
    update {{ this }} as stored
    set account_fingerprint = kept.account_fingerprint
    from (
        with

        changed_settled as (
            select
                settled.account_id,
                settled.engaged_contacts_reached_at,
                settled.settled_fingerprint,
                current_accounts.account_fingerprint
            from {{ this }} as settled
            inner join ({{ account_fingerprint_sql() }}) as current_accounts
                on settled.account_id = current_accounts.account_id
            cross join {{ ref('run_as_of') }} as as_of
            where {{ is_settled_account('settled', 'as_of') }}
                and settled.account_fingerprint != current_accounts.account_fingerprint
        ),

        recomputed as (
            select
                changed_settled.account_id,
                {{ mqa_settled_fingerprint('moments') }} as settled_fingerprint
            from changed_settled
            inner join {{ ref('int_account_member_fingerprints') }} as members
                on changed_settled.account_id = members.account_id
            inner join {{ ref('int_lead_score_moments') }} as moments
                on members.lead_id = moments.lead_id
                    and moments.moment_at <= changed_settled.engaged_contacts_reached_at
            group by changed_settled.account_id
        )

        select
            changed_settled.account_id,
            changed_settled.account_fingerprint
        from changed_settled
        inner join recomputed
            on changed_settled.account_id = recomputed.account_id
                and changed_settled.settled_fingerprint = recomputed.settled_fingerprint
    ) as kept
    where stored.account_id = kept.account_id
    {%- endif -%}
{%- endmacro %}

{#- Second pre-hook of int_account_mqa_evaluations (after keep_settled_accounts): delete the
    accounts whose fingerprint changed (or that have no members any more), and the accounts
    with a member scoring moment between the
    as_of they were evaluated at and the current as_of that can change its MQA moment. The
    MQA moment is the first instant something holds up to as_of, and what holds at an instant
    does not depend on anything later; the instants it is evaluated at are the members'
    creations, positive-point activities and threshold crossings, and the engaged contacts
    only rise where a span starts: at a positive-point activity or the member's creation. So
    only such a moment between the two as_ofs can change it (a calibration horizon or a cap
    release passing into the window cannot), and not for a settled account whose
    engaged-contacts trigger is at or before both as_ofs (keep_settled_accounts). -#}
{% macro delete_changed_accounts() -%}
    {%- if is_incremental() and not stored_columns_present(['account_fingerprint', 'built_as_of_at', 'settled_fingerprint']) -%}
    delete from {{ this }}
    {%- elif is_incremental() -%}
    delete from {{ this }}
    where account_id in (
        select built.account_id
        from {{ this }} as built
        left join ({{ account_fingerprint_sql() }}) as current_accounts
            on built.account_id = current_accounts.account_id
                and built.account_fingerprint = current_accounts.account_fingerprint
        where current_accounts.account_id is null
        union all
        select members.account_id
        from {{ ref('int_account_member_fingerprints') }} as members
        inner join (
            {{ leads_between_as_ofs(ref('int_lead_score_moments'), 'moment_at',
                "moment_type in ('created', 'threshold_crossing') or (moment_type = 'activity' and points > 0)") }}
        ) as moved
            on members.lead_id = moved.lead_id
        where members.account_id not in (
            select settled.account_id
            from {{ this }} as settled
            cross join {{ ref('run_as_of') }} as as_of
            where {{ is_settled_account('settled', 'as_of') }}
        )
    )
    {%- endif -%}
{%- endmacro %}
