{#- One node that checks a model's column rules: the not_null, unique, accepted_values,
    value_between, not_greater_than, expression_is_true and unique_combination tests declared
    in the model's YAML (column by column, where they are documented) that this dbt invocation
    does not run as nodes of their own.

    Every data test is a dbt node, and a node costs dbt's overhead (about a tenth of a second)
    even when its query reads a handful of rows: a daily `lead-funnel run` would spend most of
    its test time on that overhead. So the run leaves these tests out of its build
    (`lead-funnel run`: src/lead_funnel/pipeline.py, consolidated_tests) and each model's
    column_rules test checks them in one query. A build that selects them (make test's
    `dbt build`, `dbt test`, `dbt build --select` a model) runs them as their own nodes, and
    column_rules then has nothing left to check. So whichever way a build runs, every
    declared rule is checked once.

    Each rule keeps its own `where` (the written-rows filter __written_this_run__ of the large
    incremental models, macros/run/written_this_run.sql). column_rules checks the rules of
    severity error (the default); a test with another severity, other config (error_if,
    warn_if, store_failures, limit) or Jinja in its arguments stays a node of its own
    (consolidated_tests leaves it in the run).

    A failing rule fails column_rules with an error naming each failing test, its rule and
    column and its failing rows (for unique: the duplicated values; for unique_combination:
    the duplicated combinations of its columns), e.g.
        column_rules: not_null on scored_leads.lead_id: 3 rows (not_null_scored_leads_lead_id)
        column_rules: unique_combination on mart_mql_levels (level_month, mql_level,
            lead_source): 1 duplicated combinations (unique_combination_mart_mql_levels_...)
    Declared once per model, beside its columns:
        models:
          - name: scored_leads
            data_tests: [column_rules]
-#}
{#- The tests column_rules can check in one query: their test names, as in the YAML. -#}
{% macro column_rule_tests() -%}
    {{ return(['not_null', 'unique', 'accepted_values', 'value_between', 'not_greater_than',
        'expression_is_true', 'unique_combination']) }}
{%- endmacro %}

{#- The SQL predicate true on a row that breaks a rule (test_metadata of a rule's test node);
    none for unique and unique_combination, which compare rows. Nulls pass every rule but
    not_null and expression_is_true, as in the tests themselves. -#}
{% macro column_rule_failing_row(rule, kwargs) -%}
    {%- set column = '(' ~ kwargs.get('column_name') ~ ')' -%}
    {%- if rule == 'not_null' -%}
        {{ return(column ~ ' is null') }}
    {%- elif rule == 'accepted_values' -%}
        {%- set quoted = [] -%}
        {%- for value in kwargs['values'] -%}
            {%- if kwargs.get('quote', true) -%}
                {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
            {%- else -%}
                {%- do quoted.append(value | string) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return(column ~ ' not in (' ~ quoted | join(', ') ~ ')') }}
    {%- elif rule == 'value_between' -%}
        {%- set low = kwargs.get('min_value', 0) -%}
        {%- set high = kwargs.get('max_value', 1) -%}
        {{ return(column ~ ' < ' ~ low ~ ' or ' ~ column ~ ' > ' ~ high) }}
    {%- elif rule == 'not_greater_than' -%}
        {{ return(column ~ ' > (' ~ kwargs['other_column'] ~ ')') }}
    {%- elif rule == 'expression_is_true' -%}
        {{ return('not coalesce(' ~ kwargs['expression'] ~ ', false)') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- The rule tests of the model the running test is attached to that this invocation does not
    run as nodes and column_rules can check: dicts of test name, rule, column (for
    unique_combination: its columns, comma-separated), the failing-row predicate (none for
    the two unique rules) and the `where` filter. -#}
{% macro column_rules_to_check() -%}
    {%- set rules = [] -%}
    {%- set attached_node = model.attached_node -%}
    {%- set kinds = column_rule_tests() -%}
    {%- set written = written_this_run() -%}
    {#- one filter pass over the graph (a Jinja call per node costs ~20 us: 113 tests x 1,500
        nodes made this loop most of column_rules' compile time) #}
    {%- for node in graph.nodes.values() | selectattr('attached_node', 'equalto', attached_node)
        if node.resource_type == 'test'
        and node.get('test_metadata')
        and node.test_metadata.name in kinds
        and node.unique_id not in selected_resources -%}
        {%- set config = node.config -%}
        {%- set kwargs = node.test_metadata.kwargs -%}
        {%- set plain_config = config.get('enabled', true)
            and (config.get('severity') or 'error') | lower == 'error'
            and (config.get('error_if') or '!= 0') == '!= 0'
            and (config.get('warn_if') or '!= 0') == '!= 0'
            and not config.get('store_failures')
            and config.get('limit') is none -%}
        {%- set templated = [] -%}
        {%- for name, value in kwargs.items() if name != 'model' and '{' in value | string -%}
            {%- do templated.append(name) -%}
        {%- endfor -%}
        {%- if plain_config and not templated -%}
            {%- set where = config.get('where') or '1 = 1' -%}
            {%- do rules.append({
                'test': node.name,
                'rule': node.test_metadata.name,
                'column': kwargs['columns'] | join(', ') if node.test_metadata.name == 'unique_combination'
                    else kwargs.get('column_name') or '',
                'failing_row': column_rule_failing_row(node.test_metadata.name, kwargs),
                'where': where | replace('__written_this_run__', written) if '__written_this_run__' in where else where,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}

{#- The query: one row per rule (test name, rule, column, failing rows). The row rules that
    share a `where` are counted in one scan of the model; a unique rule counts its duplicated
    values (nulls left out), a unique_combination its duplicated combinations (a null is a
    value, as in the test). -#}
{% macro column_rules_query(relation, rules) -%}
    {%- set wheres = [] -%}
    {%- for rule in rules if rule.where not in wheres -%}
        {%- do wheres.append(rule.where) -%}
    {%- endfor -%}
    {%- set string = dbt.type_string() -%}
    with
    {% for where in wheres %}
    {%- set scan = loop.index0 %}
    scan_{{ scan }} as (
        select
            {%- for rule in rules if rule.where == where and rule.failing_row is not none %}
            sum(case when {{ rule.failing_row }} then 1 else 0 end) as rule_{{ scan }}_{{ loop.index0 }},
            {%- endfor %}
            count(*) as scanned_rows
        from {{ relation }}
        where {{ where }}
    ),
    {% endfor %}
    {%- for rule in rules if rule.failing_row is none %}
    unique_{{ loop.index0 }} as (
        select count(*) as duplicated_values
        from (
            select {{ rule.column }}
            from {{ relation }}
            where ({{ rule.where }})
                {%- if rule.rule == 'unique' %} and ({{ rule.column }}) is not null{% endif %}
            group by {{ rule.column }}
            having count(*) > 1
        ) as duplicates
    ),
    {%- endfor %}
    rules as (
        {%- for where in wheres %}
        {%- set scan = loop.index0 %}
        {%- for rule in rules if rule.where == where and rule.failing_row is not none %}
        select
            cast('{{ rule.test | replace("'", "''") }}' as {{ string }}) as test_name,
            cast('{{ rule.rule | replace("'", "''") }}' as {{ string }}) as rule_name,
            cast('{{ rule.column | replace("'", "''") }}' as {{ string }}) as column_name,
            rule_{{ scan }}_{{ loop.index0 }} as failing_rows
        from scan_{{ scan }}
        union all
        {%- endfor %}
        {%- endfor %}
        {%- for rule in rules if rule.failing_row is none %}
        select
            cast('{{ rule.test | replace("'", "''") }}' as {{ string }}) as test_name,
            cast('{{ rule.rule | replace("'", "''") }}' as {{ string }}) as rule_name,
            cast('{{ rule.column | replace("'", "''") }}' as {{ string }}) as column_name,
            duplicated_values as failing_rows
        from unique_{{ loop.index0 }}
        union all
        {%- endfor %}
        select
            cast(null as {{ string }}) as test_name,
            cast(null as {{ string }}) as rule_name,
            cast(null as {{ string }}) as column_name,
            0 as failing_rows
    )

    select test_name, rule_name, column_name, failing_rows
    from rules
    where failing_rows > 0
    order by test_name
{%- endmacro %}

{#- The test's SQL: runs the rules' query when the test runs and fails the test with an error
    naming the failing rules; then (or with no rule left to check) a query returning no row. -#}
{% macro column_rules_check(relation) -%}
    {%- if execute -%}
        {%- set rules = column_rules_to_check() -%}
        {%- if rules -%}
            {%- set failing = run_query(column_rules_query(relation, rules)) -%}
            {%- if failing.rows | length > 0 -%}
                {%- set model_name = model.attached_node.split('.')[-1] -%}
                {%- set lines = [] -%}
                {%- for row in failing.rows -%}
                    {%- if row[1] == 'unique_combination' -%}
                        {%- set on = model_name ~ ' (' ~ row[2] ~ ')' -%}
                        {%- set unit = ' duplicated combinations' -%}
                    {%- else -%}
                        {%- set on = model_name ~ ('.' ~ row[2] if row[2] else '') -%}
                        {%- set unit = ' duplicated values' if row[1] == 'unique' else ' rows' -%}
                    {%- endif -%}
                    {%- do lines.append(row[1] ~ ' on ' ~ on ~ ': ' ~ row[3] ~ unit ~ ' (' ~ row[0] ~ ')') -%}
                {%- endfor -%}
                {%- do exceptions.raise_compiler_error('column_rules: ' ~ lines | join('; ')) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select failing_rule
    from (select 1 as failing_rule) as no_failing_rule
    where 1 = 0
{%- endmacro %}
