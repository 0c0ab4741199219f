-- Hourly impressions of items judged spam (a non-reversed spam action on the item or
-- its owner) before the first action that ended their exposure: what detection races
-- against. Territorial scope is not applied here (an ending action ends exposure
-- everywhere); fct_unwanted_impressions_daily is the scope-exact figure.
with judged as (
    select
        target_id as content_id,
        owner_account_key,
        spam_exposure_ended_at
    from {{ ref('int_target_outcomes') }}
    where
        target_type = 'content'
        and is_judged_spam
),

owner_judged as (
    select
        catalogue.content_id,
        catalogue.owner_account_key,
        outcomes.spam_exposure_ended_at
    from {{ ref('stg_platform__content') }} as catalogue
    inner join {{ ref('int_target_outcomes') }} as outcomes
        on
            outcomes.target_type = 'account'
            and catalogue.owner_account_key = outcomes.target_id
    where outcomes.is_judged_spam
),

all_judged as (
    select * from judged
    union all
    select * from owner_judged
),

spam_items as (
    select
        content_id,
        any_value(owner_account_key) as owner_account_key,
        min(spam_exposure_ended_at) as spam_exposure_ended_at
    from all_judged
    group by content_id
),

final as (
    select
        impressions.content_id,
        spam_items.owner_account_key,
        impressions.hour_ts,
        sum(impressions.impressions) as unwanted_impressions
    from {{ ref('stg_platform__impressions') }} as impressions
    inner join spam_items
        on impressions.content_id = spam_items.content_id
    where
        spam_items.spam_exposure_ended_at is null
        or impressions.hour_ts < spam_items.spam_exposure_ended_at
    group by impressions.content_id, spam_items.owner_account_key, impressions.hour_ts
)

select * from final
