-- Backtest a candidate detection rule: the candidate's precision against human review outcomes
-- (review_precision), recall against actioned spam, lead time over the first user report, the
-- unwanted impressions it would have prevented and its overlap with existing rules, next to
-- every production detector measured the same way. Build the backtest first (it lives in schema
-- `sandbox`, never in marts):
--   dbt build --select +rpt_rule_backtest [--vars '{backtest_rule: sql_keyword_stuffed_title}']
-- then `integrity analyze backtest_candidate_rule`. With var `backtest_rule` set, only that rule
-- (all its versions, candidate and production) is shown; otherwise every candidate.
{%- set rule = var('backtest_rule', '') %}
with backtest as (
    select * from {{ ref('rpt_rule_backtest') }}
),

candidate_rules as (
    select distinct rule_id from backtest
    where is_candidate
),

shown as (
    select * from backtest
    {%- if rule %}
    where rule_id = '{{ rule }}'
    {%- else %}
        where rule_id in (select candidate_rules.rule_id from candidate_rules)
    {%- endif %}
),

-- the best production detector of the same target type, for comparison
best_production as (
    select
        target_type,
        max(review_precision) as best_production_review_precision,
        max(recall_actioned_spam) as best_production_recall
    from backtest
    where not is_candidate
    group by target_type
),

final as (
    select
        shown.rule_id,
        shown.rule_version,
        shown.status,
        shown.hit_source,
        shown.target_type,
        shown.targets,
        shown.reviewed_targets,
        round(shown.review_precision, 3) as review_precision,
        round(shown.recall_actioned_spam, 3) as recall_actioned_spam,
        round(shown.recall_before_action, 3) as recall_before_action,
        shown.caught_first_targets,
        round(shown.median_lead_hours_over_first_user_report, 1) as median_lead_hours_over_user_report,
        shown.preventable_unwanted_impressions,
        round(shown.overlap_share, 3) as overlap_share,
        shown.targets_hit_earlier_by_other,
        round(best_production.best_production_review_precision, 3) as best_production_review_precision,
        round(best_production.best_production_recall, 3) as best_production_recall
    from shown
    left join best_production
        on shown.target_type = best_production.target_type
)

select * from final
order by rule_id asc, status = 'candidate' desc, rule_version desc
