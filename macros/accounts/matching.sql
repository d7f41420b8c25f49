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
    {%- set spaced = adapter.dispatch('match_text_spaced', 'lead_funnel')("replace(" ~ expr ~ ", '&', ' and ')") -%}
    nullif({{ regexp_replace_all(regexp_replace_all(spaced, ' +', ' '), '^ | $', '') }}, '')
{%- endmacro %}

{#- The characters normalize_match_text maps: ASCII capitals (lowered), the punctuation that
    becomes a space (besides tab, line break, carriage return and non-breaking space), and
    the removed ones (full stop, apostrophe). -#}
{% macro match_text_characters() -%}
    {{ return({'upper': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'to_space': '!"#$%()*+,-/:;<=>?@[]^_`{|}~'}) }}
{%- endmacro %}

{#- normalize_match_text's letters, spaces and removals, before spaces are collapsed: one
    translate() (characters of `from` beyond `to` are removed). -#}
{% macro default__match_text_spaced(text) -%}
    {%- set chars = match_text_characters() -%}
    {%- set from_chars = dbt.concat(["'" ~ chars.upper ~ chars.to_space ~ "'", 'chr(9)', 'chr(10)', 'chr(13)', 'chr(160)', "'.'", 'chr(39)']) -%}
    {%- set to_chars = "'" ~ chars.upper | lower ~ (' ' * (chars.to_space | length + 4)) ~ "'" -%}
    translate({{ text }}, {{ from_chars }}, {{ to_chars }})
{%- endmacro %}

{#- DuckDB's translate() costs about 2 s per million names; an ASCII text (nearly all) is
    lowered and its punctuation replaced by two regular expressions instead (0.2 s), with the
    same result: lower() of an ASCII text lowers exactly its capitals. Any other text takes
    the translate(). -#}
{% macro duckdb__match_text_spaced(text) -%}
    {%- set chars = match_text_characters() -%}
    {%- set to_space_class = [] -%}
    {%- for char in chars.to_space -%}
        {%- do to_space_class.append('\\' ~ char if char in '[]^-\\' else char) -%}
    {%- endfor -%}
    case
        when regexp_full_match({{ text }}, '[\x00-\x7F]*')
            then regexp_replace(
                regexp_replace(lower({{ text }}), '[.'']', '', 'g'),
                '[{{ to_space_class | join('') }}\t\n\r]', ' ', 'g'
            )
        else {{ default__match_text_spaced(text) }}
    end
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
