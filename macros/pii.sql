{#- PII-safe publishing (var mask_pii): only scored_leads carries contacts (email, names,
    phone); with mask_pii the email is an md5 hash and names and phone are null there, and the
    data-quality models, which show raw values, mask them too. -#}

{#- True when this build publishes for audiences that must not see contacts. -#}
{% macro mask_pii_enabled() -%}
    {{ return((var('mask_pii', false) | string | lower) in ['true', '1']) }}
{%- endmacro %}

{#- A raw lead row's text (raw_row_text, `column=value | ...`) with the email, names and
    phone replaced by <masked> when mask_pii is on; unchanged otherwise. -#}
{% macro mask_lead_row_text(expr) -%}
    {%- if mask_pii_enabled() -%}
        {{ regexp_replace_all(
            regexp_replace_all(
                expr,
                '[|] email=.*?[|] job_title=',
                '| email=<masked> | first_name=<masked> | last_name=<masked> | job_title='
            ),
            '[|] phone=.*?[|] company_name=',
            '| phone=<masked> | company_name='
        ) }}
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}

{#- A contact value (an email) as its md5 hash when mask_pii is on; unchanged otherwise. -#}
{% macro mask_contact(expr) -%}
    {%- if mask_pii_enabled() -%}
        {{ dbt.hash(expr) }}
    {%- else -%}
        {{ expr }}
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
