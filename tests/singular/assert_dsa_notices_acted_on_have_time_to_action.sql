{{ config(meta={'dagster': {'ref': {'name': 'int_dsa_notices'}}}) }}

-- Time to act and the action counts come from one rule (metrics.md, SLA compliance): a notice or
-- order with an action taken on it (linked by report_id) always has a time to action, and never a
-- time to action earlier than its receipt. Returns the notices that break it.
select
    report_id,
    actions_law,
    actions_terms,
    hours_to_action
from {{ ref('int_dsa_notices') }}
where
    (actions_law + actions_terms > 0 and hours_to_action is null)
    or hours_to_action < 0
