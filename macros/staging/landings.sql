{#- Staging by landing (docs/definitions.md#landings-and-the-ledger).

    With the raw_dir var, every file of a raw table is a landing. The ledger
    (stg_landing_ledger) records each file's size, modification time and row counts when it
    is read. On an incremental run the staging models read only the files that are new or
    whose size or modification time changed since (a re-delivery); the rows of the other
    files stay where they are. A file that is gone from raw_dir keeps its rows: the ledger
    marks it missing and the run says so; `--full-refresh` rebuilds from the files present.

    Without raw_dir (the demo seeds, or raw_schema tables) there are no landings: staging is
    rebuilt in full on every run. -#}

{#- True when staging is built landing by landing (raw_dir on DuckDB). -#}
{% macro landings_enabled() -%}
    {{ return(target.type == 'duckdb' and (true if var('raw_dir', none) else false)) }}
{%- endmacro %}

{#- The materialization of a staging model that is built landing by landing. -#}
{% macro landing_materialization() -%}
    {{ return('incremental' if landings_enabled() else 'table') }}
{%- endmacro %}

{#- The ledger relation as it stands before this run writes it (none when there is none), in
    the staging layer's schema (dbt_project.yml). Not a ref: the models that call this read
    the ledger's previous state, they are not built from it. -#}
{% macro landing_ledger_relation() -%}
    {%- set schema = generate_schema_name('staging', none) | trim -%}
    {{ return(adapter.get_relation(database=this.database, schema=schema, identifier='stg_landing_ledger')) }}
{%- endmacro %}

{#- The version of the code and configuration that turn one raw table's landing files into
    its staging rows: the base model, the triage and everything upstream of them (the macros
    they call, a configuration seed such as stage_mapping; nodes_logic_version). The ledger
    records it for each file it reads; a file read with another version is read again
    (landing_plan), so a changed typing rule, triage rule or stage mapping reaches every
    landing, not only the new ones. run_as_of is left out: the triage reads its value, and
    decides again the rows on the other side of a moved as_of itself. -#}
{% macro staging_logic_version(name) -%}
    {{ return(nodes_logic_version(['stg_' ~ name ~ '_triaged'], data_only_names=['run_as_of'])) }}
{%- endmacro %}

{#- What this run does with the landing files of one raw table, decided by comparing raw_dir
    with the ledger (run-time only; at parse time every list is empty):
    - files: every file in raw_dir now, sorted, each {'path', 'size', 'modified_at'};
    - load: the files to read: every file in a full build, else the new and changed ones;
    - changed: files the ledger has with another size or modification time (re-delivered),
      or read with another staging_logic_version (new_logic): their stored rows are replaced;
    - new_logic: the files of `changed` read again only because the staging logic changed;
    - missing: files the ledger has as present that are gone from raw_dir;
    - incremental: false when everything is read (no ledger yet, or --full-refresh). -#}
{% macro landing_plan(name) -%}
    {%- set plan = {'files': [], 'load': [], 'changed': [], 'new_logic': [], 'missing': [], 'incremental': false} -%}
    {%- if not execute or not landings_enabled() -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set paths = raw_files(name) -%}
    {%- if paths | length > 0 -%}
        {%- set literals = [] -%}
        {%- for path in paths -%}
            {%- do literals.append(raw_path_literal(path)) -%}
        {%- endfor -%}
        {%- set listed = run_query(
            "select filename, size, strftime(last_modified, '%Y-%m-%dT%H:%M:%S.%f')"
            ~ " from read_blob([" ~ literals | join(', ') ~ "]) order by filename") -%}
        {%- for path, size, modified_at in listed.rows -%}
            {%- do plan.files.append({'path': path, 'size': size | int, 'modified_at': modified_at}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set ledger = landing_ledger_relation() -%}
    {%- if flags.FULL_REFRESH or ledger is none -%}
        {%- do plan.load.extend(plan.files) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- do plan.update({'incremental': true}) -%}
    {%- set logic_version = staging_logic_version(name) -%}
    {#- a ledger written before it recorded the version: every file was read with another -#}
    {%- set ledger_columns = adapter.get_columns_in_relation(ledger) | map(attribute='name') | map('lower') | list -%}
    {%- set recorded_version = 'staging_logic_version' if 'staging_logic_version' in ledger_columns
        else 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set known = {} -%}
    {%- set recorded = run_query(
        "select landing_file, file_size, strftime(file_modified_at, '%Y-%m-%dT%H:%M:%S.%f'), is_present, "
        ~ recorded_version ~ " from " ~ ledger ~ " where source_table = '" ~ name ~ "'") -%}
    {%- for path, size, modified_at, is_present, version in recorded.rows -%}
        {%- do known.update({path: {'size': size | int, 'modified_at': modified_at, 'is_present': is_present,
                                    'version': version}}) -%}
    {%- endfor -%}
    {%- set present = [] -%}
    {%- for file in plan.files -%}
        {%- do present.append(file.path) -%}
        {%- set entry = known.get(file.path) -%}
        {%- if entry is none -%}
            {%- do plan.load.append(file) -%}
        {%- elif entry.size != file.size or entry.modified_at != file.modified_at -%}
            {%- do plan.load.append(file) -%}
            {%- do plan.changed.append(file.path) -%}
        {%- elif entry.version != logic_version -%}
            {%- do plan.load.append(file) -%}
            {%- do plan.changed.append(file.path) -%}
            {%- do plan.new_logic.append(file.path) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for path, entry in known | dictsort -%}
        {%- if entry.is_present and path not in present -%}
            {%- do plan.missing.append(path) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(plan) }}
{%- endmacro %}

{#- The paths of a list of planned files, as a SQL list of string literals ('' when empty,
    which matches no file). -#}
{% macro landing_file_list(files) -%}
    {%- set literals = [] -%}
    {%- for file in files -%}
        {%- do literals.append("'" ~ ((file.path if file is mapping else file) | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{- return(literals | join(', ') if literals else "''") -}}
{%- endmacro %}

{#- The pre-hook of a base model built by landing: the rows of the files this run reads
    again (re-delivered, or read by a run that did not finish) are removed first. -#}
{% macro landing_base_pre_hook(name) -%}
    {%- if not (execute and landings_enabled() and is_incremental()) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set plan = landing_plan(name) -%}
    {%- if not plan.incremental -%}
        {{ exceptions.raise_compiler_error(
            "base_" ~ name ~ " exists but the landing ledger (stg_landing_ledger) does not: the "
            ~ "build database comes from a version that did not read raw files landing by landing. "
            ~ "Run once with --full-refresh (lead-funnel run --full-refresh) to rebuild it.") }}
    {%- endif -%}
    {%- set ledger_rows = run_query("select count(*) from " ~ landing_ledger_relation()).rows[0][0] -%}
    {%- if ledger_rows == 0 and run_query("select count(*) from " ~ this ~ " where landing_file is null").rows[0][0] > 0 -%}
        {{ exceptions.raise_compiler_error(
            "base_" ~ name ~ " holds rows that came from no landing file (a build from the demo seeds "
            ~ "or raw_schema), and this run reads raw_dir. Run once with --full-refresh "
            ~ "(lead-funnel run --full-refresh) to rebuild from raw_dir.") }}
    {%- endif -%}
    {{ return("delete from " ~ this ~ " where landing_file in (" ~ landing_file_list(plan.load) ~ ")") }}
{%- endmacro %}

{#- True when this run read again a landing file an earlier run had read (a re-delivery with
    changed content, or a file read again for new staging logic): rows may then have left a
    lead without being triaged again. Read from the ledger this run wrote, so the caller refs
    stg_landing_ledger (runs after it). -#}
{% macro landing_files_redelivered() -%}
    {%- if not (execute and landings_enabled()) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = run_query("select count(*) from " ~ ref('stg_landing_ledger')
        ~ " where loaded_by_run_id = '" ~ invocation_id ~ "' and (is_redelivery or is_reread_for_new_logic)") -%}
    {{ return(found.rows[0][0] > 0) }}
{%- endmacro %}

{#- Before an incremental run of int_lead_data_fingerprints that fingerprints every lead
    again (a re-delivered file): the stored rows go first. -#}
{% macro lead_data_fingerprints_pre_hook() -%}
    {%- if execute and is_incremental() and landing_files_redelivered() -%}
        {{ return('delete from ' ~ this) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
