{#- The table materialization on DuckDB: one `create or replace table` in the model's
    transaction.

    dbt-duckdb's own builds a table under a temporary name, looks up the old table's indexes
    and key constraints, renames the old table away and the new one into place, commits, and
    drops the old one: about seven statements for each table model. Each statement costs dbt
    a few hundredths of a second of Python, and every run rebuilds the tables that depend on
    as_of, so those statements were a measurable part of what a run costs before it reads any
    data (docs/performance.md). DuckDB replaces a table in one statement, as atomically: a
    failed build rolls back and leaves the old table (or view) as it was, and views over the
    table read it by name, so they see the new one.

    The models that need what this one leaves out (a Python model, an enforced contract,
    indexes, grants, partitioning or sorting, an existing table with key constraints) get
    dbt-duckdb's own materialization, unchanged. -#}
{% materialization table, adapter="duckdb", supported_languages=["sql", "python"] %}
    {%- if not lean_table_applies() -%}
        {{ return(dbt.materialization_table_duckdb()) }}
    {%- endif -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type="table") -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- a view (or anything but a table) of the same name is not replaced by a table: it is
        dropped in the model's transaction, so a failed build rolls the drop back too -#}
    {%- if existing_relation is not none and not existing_relation.is_table -%}
        {% do adapter.ensure_transaction() %}
        {{ adapter.drop_relation(existing_relation) }}
    {%- endif -%}

    {% call statement("main") -%}
        {%- set sql_header = config.get("sql_header", none) -%}
        {{ sql_header if sql_header is not none }}
        create or replace table {{ target_relation }} as (
            {{ compiled_code }}
        )
    {%- endcall %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({"relations": [target_relation]}) }}
{% endmaterialization %}

{#- Whether the model is one the lean table materialization builds: SQL, none of the configs
    that dbt-duckdb's own materialization handles beyond creating the table, and no primary,
    unique or foreign key on the existing table (a key another table's foreign key references
    keeps it from being replaced; dbt-duckdb reads the keys once per schema and run). -#}
{% macro lean_table_applies() -%}
    {%- set contract = config.get("contract") -%}
    {{ return(
        model["language"] == "sql"
        and not (contract is not none and contract.enforced)
        and not config.get("indexes")
        and not config.get("grants")
        and not config.get("partitioned_by")
        and not config.get("sorted_by")
        and not adapter.use_ducklake_table_workarounds(this)
        and not existing_constraint_types(load_cached_relation(this))
    ) }}
{%- endmacro %}
