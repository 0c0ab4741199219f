-- Exposure windows of judged-spam items: one row per item and scope. The `GLOBAL` row always
-- exists (exposure_end_at null = exposure runs to the end of the data); a country row exists where
-- a country-scoped action ended exposure earlier there. An impression's window end is the
-- country row's when there is one, else the GLOBAL row's.
--
-- Judged spam: a standing spam-policy action applies to the item (int_content_actions: on the item,
-- or on its owner's account when the item existed at the action's decided_at). Exposure ends at
-- the earliest effective_at among the lasting (no end_at) actions applying to the item, under any
-- policy, whose type ends exposure (action_types.ends_exposure), per country of their territorial
-- scope. Temporary restrictions only pause exposure (int_content_exposure_pauses).
-- First signal: the earliest report (any reporter, any reason) or signalling rule hit on the item or
-- on its owner's account. A hit signals when it is in enforce mode, or scores at or above its
-- detector's operating threshold (dim_detector), or comes from a seeded detector without a
-- score; classifiers log everything from 0.05 up, and a 0.06 score is nothing a team acts on.
with

item_actions as (

    select * from {{ ref('int_content_actions') }}

),

content as (

    select
        content_id,
        owner_account_key,
        created_at
    from {{ ref('stg_platform__content') }}

),

reports as (

    select * from {{ ref('stg_platform__reports') }}

),

detectors as (

    select * from {{ ref('dim_detector') }}

),

rule_hits as (

    select rule_hits.*
    from {{ ref('stg_platform__rule_hits') }} as rule_hits
    left join detectors
        on
            rule_hits.rule_id = detectors.detector
            and rule_hits.rule_version = detectors.version
    where
        rule_hits.mode = 'enforce'
        or (
            detectors.detector is not null
            and (detectors.operating_threshold is null or rule_hits.score >= detectors.operating_threshold)
        )

),

judged_items as (

    select
        content_id,
        count(distinct action_id) as spam_actions,
        min(decided_at) as first_judged_at
    from item_actions
    where is_spam
    group by content_id

),

ending_actions as (

    select
        content_id,
        effective_at,
        {{ unnest_rows('territorial_scope') }} as scope_country
    from item_actions
    where
        ends_exposure
        and end_at is null
        and content_id in (select judged_items.content_id from judged_items)

),

global_ends as (

    select
        content_id,
        min(effective_at) as exposure_end_at
    from ending_actions
    where scope_country = 'GLOBAL'
    group by content_id

),

country_ends as (

    select
        content_id,
        scope_country,
        min(effective_at) as exposure_end_at
    from ending_actions
    where scope_country != 'GLOBAL'
    group by content_id, scope_country

),

signals_by_target as (

    select
        target_type,
        target_id,
        min(signal_at) as first_signal_at,
        {{ min_by('signal_source', 'signal_at') }} as first_signal_source
    from (
        select
            target_type,
            target_id,
            received_at as signal_at,
            'report:' || reporter_type as signal_source
        from reports
        union all
        select
            target_type,
            target_id,
            hit_at as signal_at,
            'rule:' || rule_id as signal_source
        from rule_hits
    ) as signals
    group by target_type, target_id

),

judged_with_content as (

    select
        judged_items.content_id,
        content.owner_account_key,
        content.created_at,
        judged_items.spam_actions,
        judged_items.first_judged_at,
        least(item_signals.first_signal_at, account_signals.first_signal_at) as first_signal_at,
        case
            when account_signals.first_signal_at is null then item_signals.first_signal_source
            when item_signals.first_signal_at is null then account_signals.first_signal_source
            when item_signals.first_signal_at <= account_signals.first_signal_at
                then item_signals.first_signal_source
            else account_signals.first_signal_source
        end as first_signal_source
    from judged_items
    inner join content
        on judged_items.content_id = content.content_id
    left join signals_by_target as item_signals
        on
            item_signals.target_type = 'content'
            and judged_items.content_id = item_signals.target_id
    left join signals_by_target as account_signals
        on
            account_signals.target_type = 'account'
            and content.owner_account_key = account_signals.target_id

),

global_rows as (

    select
        judged_with_content.content_id,
        'GLOBAL' as scope_country,
        judged_with_content.owner_account_key,
        judged_with_content.spam_actions,
        judged_with_content.created_at,
        judged_with_content.first_signal_at,
        judged_with_content.first_signal_source,
        judged_with_content.first_judged_at,
        global_ends.exposure_end_at
    from judged_with_content
    left join global_ends
        on judged_with_content.content_id = global_ends.content_id

),

country_rows as (

    select
        global_rows.content_id,
        country_ends.scope_country,
        global_rows.owner_account_key,
        global_rows.spam_actions,
        global_rows.created_at,
        global_rows.first_signal_at,
        global_rows.first_signal_source,
        global_rows.first_judged_at,
        least(country_ends.exposure_end_at, coalesce(global_rows.exposure_end_at, country_ends.exposure_end_at))
            as exposure_end_at
    from global_rows
    inner join country_ends
        on global_rows.content_id = country_ends.content_id

),

final as (

    select * from global_rows
    union all
    select * from country_rows

)

select * from final
