{#- The account vars pasted into SQL as numbers (docs/definitions.md#account-engagement-mqa-and-the-account-funnel),
    checked here when a model reads them: the pipeline holds them only to the type of their
    default in dbt_project.yml. A wrong value stops the compile with a message naming the var.
    - account_engaged_days: the trailing window of an engaged contact, days, > 0;
    - account_score_top_n: how many member scores the account score adds up, a whole number >= 1;
    - mqa_account_score: the account score that makes an MQA, any number; null = that trigger is off;
    - mqa_engaged_contacts: the engaged contacts that make an MQA, a whole number >= 1;
      null = that trigger is off. -#}
{% macro account_var(name) -%}
    {%- set rules = {
        'account_engaged_days': {'default': 90, 'minimum': 0, 'whole': false, 'nullable': false},
        'account_score_top_n': {'default': 3, 'minimum': 1, 'whole': true, 'nullable': false},
        'mqa_account_score': {'default': 300, 'minimum': none, 'whole': false, 'nullable': true},
        'mqa_engaged_contacts': {'default': 4, 'minimum': 1, 'whole': true, 'nullable': true},
    } -%}
    {%- set rule = rules[name] -%}
    {%- set value = var(name, rule['default']) -%}
    {%- if value is none or (value is string and value | trim | lower in ['', 'none', 'null']) -%}
        {%- if rule['nullable'] -%}
            {{ return(none) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error("The " ~ name ~ " var needs a value (default " ~ rule['default'] ~ ").") }}
    {%- endif -%}
    {%- set is_number = value is number and value is not sameas true and value is not sameas false -%}
    {%- set too_small = is_number and rule['minimum'] is not none and (
        value < rule['minimum'] or (value == rule['minimum'] and rule['minimum'] == 0)) -%}
    {%- set not_whole = is_number and rule['whole'] and value != (value | int) -%}
    {%- if not is_number or too_small or not_whole -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ name ~ " var must be "
            ~ ("a whole number" if rule['whole'] else "a number")
            ~ (" of at least " ~ rule['minimum'] if rule['minimum'] else (" above 0" if rule['minimum'] == 0 else ""))
            ~ (" or null (that MQA trigger off)" if rule['nullable'] else "")
            ~ ", got '" ~ value ~ "'.") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
