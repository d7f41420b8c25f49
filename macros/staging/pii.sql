{#- PII-safe publishing (var mask_pii, `lead-funnel run --mask-pii`). With it:
    - scored_leads.email is a keyed hash (pii_hash), its names and phone are null;
    - every published free-text column (activity campaign and detail, stage-change reason,
      the raw values of the dq models) has email addresses and phone numbers replaced with
      <email> / <phone> (scrub_contacts);
    - the dq models render a rejected raw row from its masked values (raw_row_text with
      masked=true), so no value can spill over a delimiter or a line break.
    What it guarantees and what it does not: README, "Contacts (PII) and --mask-pii". -#}

{#- True when this build publishes for audiences that must not see contacts. -#}
{% macro mask_pii_enabled() -%}
    {%- set mask_pii = var('mask_pii', false) -%}
    {%- if mask_pii is not sameas true and mask_pii is not sameas false -%}
        {{ exceptions.raise_compiler_error(
            "The mask_pii var must be true or false (a YAML boolean), got '" ~ mask_pii ~ "'") }}
    {%- endif -%}
    {{ return(mask_pii) }}
{%- endmacro %}

{#- The secret key of pii_hash, read by the engine at run time (never rendered into SQL, so it
    is in no compiled file, log or manifest): a DuckDB session variable set from
    $LEAD_FUNNEL_PII_KEY by src/lead_funnel/pii_key.py (a dbt-duckdb plugin, profiles.yml),
    the Postgres setting lead_funnel.pii_key (PGOPTIONS="-c lead_funnel.pii_key=..."), the
    Spark conf lead_funnel.pii_key (profiles.yml). A build without it fails on the first
    masked value. -#}
{% macro pii_key() -%}
    {{ return(adapter.dispatch('pii_key', 'lead_funnel')()) }}
{%- endmacro %}

{% macro default__pii_key() -%}
    coalesce(
        getvariable('lead_funnel_pii_key'),
        error('mask_pii needs a key: set LEAD_FUNNEL_PII_KEY in the environment')
    )
{%- endmacro %}

{% macro postgres__pii_key() -%}
    current_setting('lead_funnel.pii_key')
{%- endmacro %}

{% macro spark__pii_key() -%}
    case
        when '${lead_funnel.pii_key}' not like '$%' and '${lead_funnel.pii_key}' != ''
            then '${lead_funnel.pii_key}'
        else raise_error('mask_pii needs a key: set LEAD_FUNNEL_PII_KEY in the environment')
    end
{%- endmacro %}

{#- A keyed hash of a text: sha256(key || sha256(key || value)), lower-case hex, 64 characters.
    HMAC-SHA256 is not built into DuckDB, Postgres (pgcrypto is an extension) or Spark; this
    nested keyed construction has the properties masking needs on all three with their own
    sha256: without the key a known address cannot be hashed to match (no dictionary attack),
    the outer hash rules out length extension, and the same key gives the same hash on every
    engine and run (masked data stays joinable and countable). Null stays null. -#}
{% macro pii_hash(expr) -%}
    {{ return(adapter.dispatch('pii_hash', 'lead_funnel')(expr)) }}
{%- endmacro %}

{% macro default__pii_hash(expr) -%}
    sha256({{ pii_key() }} || sha256({{ pii_key() }} || {{ expr }}))
{%- endmacro %}

{% macro postgres__pii_hash(expr) -%}
    encode(sha256(convert_to(
        {{ pii_key() }} || encode(sha256(convert_to({{ pii_key() }} || {{ expr }}, 'UTF8')), 'hex'),
        'UTF8'
    )), 'hex')
{%- endmacro %}

{% macro spark__pii_hash(expr) -%}
    sha2(concat({{ pii_key() }}, sha2(concat({{ pii_key() }}, {{ expr }}), 256)), 256)
{%- endmacro %}

{#- Free text with email addresses (local@domain.tld) replaced by <email> and phone-like
    digit runs (seven or more digits, with nothing, spaces, dots, dashes, slashes or
    parentheses between them, a leading + or parenthesis) by <phone> when mask_pii is on (with_phones=false: emails only, for ids and timestamps, whose digits
    are no phone); unchanged otherwise. -#}
{% macro scrub_contacts(expr, with_phones=true) -%}
    {%- if mask_pii_enabled() -%}
        {%- set scrubbed = regexp_replace_all(
            expr, "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)+", '<email>'
        ) -%}
        {%- if with_phones -%}
            {{ regexp_replace_all(scrubbed, "[+(]?[0-9]([ ()./-]*[0-9]){6,}", '<phone>') }}
        {%- else -%}
            {{ scrubbed }}
        {%- endif -%}
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}

{#- How each raw column is masked before a rejected row is rendered to text (raw_row_text with
    masked=true): the contacts of a lead are hashed (email, lower-cased and trimmed, as
    scored_leads.email) or replaced by <masked> (names, phone); ids and timestamps lose email
    addresses only; every other value is scrubbed like free text. One list, used by the dq
    models. -#}
{% macro masked_raw_value(column, expr) -%}
    {%- if column == 'email' -%}
        {{ pii_hash('lower(' ~ clean_text(expr) ~ ')') }}
    {%- elif column in ['first_name', 'last_name', 'phone'] -%}
        case when {{ expr }} is not null then '<masked>' end
    {%- elif column.endswith('_id') or column.endswith('_at') -%}
        {{ scrub_contacts(expr, with_phones=false) }}
    {%- else -%}
        {{ scrub_contacts(expr) }}
    {%- endif -%}
{%- endmacro %}

{#- Every match of a regular expression replaced by a literal text (no back references). -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'lead_funnel')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    {#- Spark replaces every match; `$` in a Java replacement would be a group reference. -#}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement | replace('$', '\\\\$') }}')
{%- endmacro %}
