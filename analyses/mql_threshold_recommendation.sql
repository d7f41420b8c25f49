-- Which mql_threshold to use? Backtests every candidate threshold of mart_mql_threshold_curve
-- (mature leads routed when their score first reached the threshold before their first SQL;
-- a hit when they became SQL afterwards) and
-- recommends the one with the best F1 score (the harmonic mean of precision and recall: the
-- threshold that best balances "MQLs that turn out well" against "good leads we would have
-- missed"), among thresholds that route at least min_leads_at_or_above leads (default 20) so a
-- handful of lucky leads cannot win. Ties go to the higher precision, then the lower
-- threshold. The current threshold is shown beside it.
--   dbt compile --select mql_threshold_recommendation   (then run target/compiled/.../mql_threshold_recommendation.sql)
{%- set min_leads = var('min_leads_at_or_above', 20) %}
with

curve as (select * from {{ ref('mart_mql_threshold_curve') }}),

scored_thresholds as (
    select
        threshold,
        is_current_threshold,
        routed_leads,
        hits,
        precision,
        recall,
        lift,
        2 * precision * recall / nullif(precision + recall, 0) as f1_score
    from curve
),

recommended as (
    select *
    from (
        select
            *,
            row_number() over (
                order by f1_score desc nulls last, precision desc nulls last, threshold asc
            ) as f1_rank
        from scored_thresholds
        where routed_leads >= {{ min_leads }}
    ) as ranked
    where f1_rank = 1
),

current_threshold as (
    select * from scored_thresholds
    where is_current_threshold
),

final as (
    select
        recommended.threshold as recommended_threshold,
        recommended.precision as recommended_precision,
        recommended.recall as recommended_recall,
        recommended.lift as recommended_lift,
        recommended.f1_score as recommended_f1_score,
        recommended.routed_leads as recommended_routed_leads,
        current_threshold.threshold as current_threshold,
        current_threshold.precision as current_precision,
        current_threshold.recall as current_recall,
        current_threshold.lift as current_lift,
        current_threshold.f1_score as current_f1_score,
        current_threshold.routed_leads as current_routed_leads
    from current_threshold
    left join recommended
        on true
)

select * from final
