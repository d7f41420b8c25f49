-- one row per valid lead: the buying-group role group its job title falls in
-- (seeds/config/job_role_groups.csv). The title is lower-cased, its punctuation read as spaces
-- and padded with a space on each side, so a keyword matches whole words only (" it " in
-- " director of it ", not in " security "). The matching keyword of lowest priority wins
-- (ties: the longest keyword, then the first in alphabetical order); a blank or unmatched
-- title is 'unknown'.
{%- set normalized = namespace(title="lower(trim(job_title))") %}
{%- for character in ['-', '/', ',', '.', '&', '(', ')', ':', ';'] %}
{%- set normalized.title = "replace(" ~ normalized.title ~ ", '" ~ character ~ "', ' ')" %}
{%- endfor %}
{#- collapse the double spaces punctuation leaves ("vp, sales" -> "vp sales") #}
{%- set title = "replace(replace(" ~ normalized.title ~ ", '  ', ' '), '  ', ' ')" %}
with

leads as (select * from {{ ref('stg_leads') }}),
role_groups as (select * from {{ ref('job_role_groups') }}),

-- each distinct title is matched once (a keyword is searched in every title: a join on
-- position(), not an equality), then the leads take their title's match
titles as (
    select distinct
        job_title,
        {{ dbt.concat(["' '", title, "' '"]) }} as padded_title
    from leads
    where job_title is not null
),

matches as (
    select
        titles.job_title,
        role_groups.keyword,
        role_groups.role_group,
        row_number() over (
            partition by titles.job_title
            order by role_groups.priority, {{ dbt.length('role_groups.keyword') }} desc, role_groups.keyword
        ) as match_rank
    from titles
    inner join role_groups
        on {{ dbt.position(dbt.concat(["' '", "role_groups.keyword", "' '"]), "titles.padded_title") }} > 0
),

final as (
    select
        leads.lead_id,
        leads.job_title,
        coalesce(matches.role_group, 'unknown') as role_group,
        matches.keyword as matched_keyword
    from leads
    left join matches
        on leads.job_title = matches.job_title
            and matches.match_rank = 1
)

select * from final
