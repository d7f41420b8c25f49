{#- Building blocks of lead-to-account matching (docs/definitions.md, "Accounts: matching leads
    to accounts"). Each takes a text expression and gives the same result on DuckDB, Postgres
    and Spark: no word boundaries or Unicode classes in regular expressions (engines read them
    differently), only ASCII punctuation, split_part and plain replacements. -#}

{#- Text as matching compares it: ASCII capitals lowered (letters outside ASCII are kept as
    written: engines lower-case them differently, Postgres under the C locale not at all);
    full stops and apostrophes removed (S.A. -> sa, O'Neil -> oneil); & -> " and "; every other
    ASCII punctuation mark, tab, line break and non-breaking space -> a space; runs of spaces
    -> one; no space at either end; null when nothing is left. One translate() does the
    letters, the spaces and the removals (characters of `from` beyond `to` are removed). -#}
{% macro normalize_match_text(expr) -%}
    {%- set upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' -%}
    {%- set to_space = '!"#$%()*+,-/:;<=>?@[]^_`{|}~' -%}
    {%- set from_chars = dbt.concat(["'" ~ upper ~ to_space ~ "'", 'chr(9)', 'chr(10)', 'chr(13)', 'chr(160)', "'.'", 'chr(39)']) -%}
    {%- set to_chars = "'" ~ upper | lower ~ (' ' * (to_space | length + 4)) ~ "'" -%}
    {%- set spaced = "translate(replace(" ~ expr ~ ", '&', ' and '), " ~ from_chars ~ ", " ~ to_chars ~ ")" -%}
    nullif({{ regexp_replace_all(regexp_replace_all(spaced, ' +', ' '), '^ | $', '') }}, '')
{%- endmacro %}

{#- A normalised text (normalize_match_text) without a leading "the " (The Acme Group -> acme
    group); "the" alone is kept. The legal suffix is removed by joining the
    company_legal_suffixes seed (int_lead_accounts), which a macro cannot read. -#}
{% macro strip_leading_the(normalized) -%}
    case
        when {{ normalized }} like 'the %' then substr({{ normalized }}, 5)
        else {{ normalized }}
    end
{%- endmacro %}

{#- The number of dot-separated labels of a domain (acme.co.uk: 3). -#}
{% macro domain_label_count(domain) -%}
    ({{ dbt.length(domain) }} - {{ dbt.length("replace(" ~ domain ~ ", '.', '')") }} + 1)
{%- endmacro %}

{#- The last n (1-3) labels of a domain, or the whole domain when it has no more than n labels
    (mail.acme.co.uk, 2: co.uk). -#}
{% macro domain_last_labels(domain, n) -%}
    {%- set parts = [] -%}
    {%- for position in range(n, 0, -1) -%}
        {%- do parts.append(dbt.split_part(domain, "'.'", -position)) -%}
        {%- if position > 1 %}{% do parts.append("'.'") %}{% endif -%}
    {%- endfor -%}
    case
        when {{ domain_label_count(domain) }} > {{ n }} then {{ dbt.concat(parts) }}
        else {{ domain }}
    end
{%- endmacro %}

{#- A domain as written by people or mail systems -> lower case, without surrounding dots
    (acme.com. -> acme.com); null when nothing is left. -#}
{% macro clean_domain(expr) -%}
    nullif({{ regexp_replace_all('lower(trim(' ~ expr ~ '))', '^[.]+|[.]+$', '') }}, '')
{%- endmacro %}
