-- one row per landing file of raw_dir ever read (docs/definitions.md#landings-and-the-ledger):
-- its size and modification time when it was read, the rows read from it, when, and whether
-- it is still in raw_dir. The staging models compare raw_dir with this ledger to read only
-- new and re-delivered files; without raw_dir (the demo seeds, raw_schema) it is empty.
{{ config(
    materialized=landing_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['source_table', 'landing_file'],
    on_schema_change='append_new_columns',
) }}
-- written after the triage, which reads the ledger as it stood before this run:
-- depends_on: {{ ref('stg_leads_triaged') }}
-- depends_on: {{ ref('stg_activities_triaged') }}
-- depends_on: {{ ref('stg_stage_changes_triaged') }}
-- depends_on: {{ ref('stg_qualifications_triaged') }}
{%- set loaded_at = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")" %}
{%- set tables = ['leads', 'activities', 'stage_changes', 'qualifications'] %}
{%- set ns = namespace(missing=[]) %}
with

{% for table in tables -%}
{%- set plan = landing_plan(table) -%}
{%- do ns.missing.extend(plan.missing) -%}
{{ table }}_loaded as (
    {%- if plan.load %}
    select
        '{{ table }}' as source_table,
        landing_file,
        cast(file_size as {{ dbt.type_bigint() }}) as file_size,
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        landing_file in ({{ landing_file_list(plan.changed) }})
            and landing_file not in ({{ landing_file_list(plan.new_logic) }}) as is_redelivery,
        landing_file in ({{ landing_file_list(plan.new_logic) }}) as is_reread_for_new_logic,
        '{{ staging_logic_version(table) }}' as staging_logic_version
    from (values
        {%- for file in plan.load %}
        ('{{ file.path | replace("'", "''") }}', {{ file.size }}, '{{ file.modified_at }}'){{ "," if not loop.last }}
        {%- endfor %}
    ) as listed (landing_file, file_size, file_modified_at)
    {%- else %}
    select
        '{{ table }}' as source_table,
        cast(null as {{ dbt.type_string() }}) as landing_file,
        cast(null as {{ dbt.type_bigint() }}) as file_size,
        cast(null as {{ dbt.type_timestamp() }}) as file_modified_at,
        false as is_redelivery,
        false as is_reread_for_new_logic,
        cast(null as {{ dbt.type_string() }}) as staging_logic_version
    from (select 1 as no_file) as no_files
    where 1 = 0
    {%- endif %}
),

{{ table }}_rows as (
    select
        landing_file,
        count(*) as raw_rows
    from {{ ref('base_' ~ table) }}
    where written_by_run_id = '{{ invocation_id }}'
    group by landing_file
),

{% endfor -%}

loaded as (
    {%- for table in tables %}
    select
        {{ table }}_loaded.source_table,
        {{ table }}_loaded.landing_file,
        {{ table }}_loaded.file_size,
        {{ table }}_loaded.file_modified_at,
        coalesce({{ table }}_rows.raw_rows, 0) as raw_rows,
        {{ loaded_at }} as loaded_at,
        '{{ invocation_id }}' as loaded_by_run_id,
        {{ table }}_loaded.is_redelivery,
        true as is_present,
        cast(null as {{ dbt.type_timestamp() }}) as missing_since,
        {{ table }}_loaded.is_reread_for_new_logic,
        {{ table }}_loaded.staging_logic_version
    from {{ table }}_loaded
    left join {{ table }}_rows
        on {{ table }}_loaded.landing_file = {{ table }}_rows.landing_file
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

{% if is_incremental() and ns.missing -%}
-- files the ledger has that are gone from raw_dir: their rows stay; marked missing
missing as (
    select
        source_table,
        landing_file,
        file_size,
        file_modified_at,
        raw_rows,
        loaded_at,
        loaded_by_run_id,
        is_redelivery,
        false as is_present,
        {{ loaded_at }} as missing_since,
        {%- if stored_columns_present(['staging_logic_version']) %}
        is_reread_for_new_logic,
        staging_logic_version
        {%- else %}
        -- a ledger from before these columns: not known
        cast(null as {{ dbt.type_boolean() }}) as is_reread_for_new_logic,
        cast(null as {{ dbt.type_string() }}) as staging_logic_version
        {%- endif %}
    from {{ this }}
    where landing_file in ({{ landing_file_list(ns.missing) }})
),
{%- endif %}

final as (
    select * from loaded
    {%- if is_incremental() and ns.missing %}
    union all
    select * from missing
    {%- endif %}
)

select * from final
