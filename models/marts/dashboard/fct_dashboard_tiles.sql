-- The dashboard's headline tiles: one row per tile × window kind × windows_back (int_dashboard_windows),
-- with the value, its 95% interval, n, the flags people read, the supporting counts, the target
-- and the red/amber/green status, and the change against the window before. Prevalence comes from
-- the pooled rollup (daily rates are never averaged); every other tile is a ratio of sums over the
-- window: unwanted per 10k impressions, SLA compliance = compliant / (decided + open past target),
-- proactive rate, appeal overturn rate. One SLA tile per published SLA (its scope: the non-wildcard
-- values of the SLA's id, valid_from dropped, so a changed target is the same SLA).
with

windows as (

    select * from {{ ref('int_dashboard_windows') }}

),

targets as (

    select * from {{ ref('dim_dashboard_target') }}

),

prevalence_rollup as (

    select * from {{ ref('fct_spam_prevalence_rollup') }}
    where surface = 'all'

),

unwanted_daily as (

    select * from {{ ref('fct_unwanted_impressions_daily') }}

),

report_sla as (

    select * from {{ ref('fct_report_sla') }}

),

proactive_daily as (

    select * from {{ ref('fct_proactive_rate_daily') }}
    where policy_area != 'all'

),

resolved_appeals as (

    -- resolved as fct_appeal_outcomes_daily counts it: any outcome, `omitted` included
    select * from {{ ref('fct_appeals') }}
    where is_resolved and resolved_at is not null

),

-- the scope of each published SLA from its id reporter_type/channel/priority/policy_area/valid_from
sla_ids as (

    select
        sla_target_id,
        max(target_hours) as target_hours,
        case
            when {{ dbt.split_part('sla_target_id', "'/'", 1) }} in ('*', '') then null
            else {{ dbt.split_part('sla_target_id', "'/'", 1) }}
        end as part_1,
        case
            when {{ dbt.split_part('sla_target_id', "'/'", 2) }} in ('*', '') then null
            else {{ dbt.split_part('sla_target_id', "'/'", 2) }}
        end as part_2,
        case
            when {{ dbt.split_part('sla_target_id', "'/'", 3) }} in ('*', '') then null
            else {{ dbt.split_part('sla_target_id', "'/'", 3) }}
        end as part_3,
        case
            when {{ dbt.split_part('sla_target_id', "'/'", 4) }} in ('*', '') then null
            else {{ dbt.split_part('sla_target_id', "'/'", 4) }}
        end as part_4
    from report_sla
    where is_published_sla and sla_target_id is not null
    group by sla_target_id

),

sla_id_scopes as (

    select
        sla_target_id,
        target_hours,
        coalesce(
            nullif(substr(
                coalesce('_' || part_1, '') || coalesce('_' || part_2, '')
                || coalesce('_' || part_3, '') || coalesce('_' || part_4, ''), 2
            ), ''),
            'default'
        ) as scope,
        coalesce(
            nullif(substr(
                coalesce(' · ' || replace(part_1, '_', ' '), '') || coalesce(' · ' || replace(part_2, '_', ' '), '')
                || coalesce(' · ' || replace(part_3, '_', ' '), '') || coalesce(' · ' || replace(part_4, '_', ' '), ''), 4
            ), ''),
            'all reports (default)'
        ) as scope_label
    from sla_ids

),

sla_scopes as (

    -- a scope's current target: the hours of its latest id (ids sort by valid_from within a scope)
    select
        scope,
        scope_label,
        target_hours,
        row_number() over (order by target_hours, scope) as scope_order
    from (
        select
            scope,
            scope_label,
            target_hours,
            row_number() over (partition by scope order by sla_target_id desc) as id_rank
        from sla_id_scopes
    ) as ranked
    where id_rank = 1

),

sla_reports as (

    select
        'overall' as scope,
        received_at,
        sla_status
    from report_sla
    where target_hours is not null

    union all

    select
        sla_id_scopes.scope,
        report_sla.received_at,
        report_sla.sla_status
    from report_sla
    inner join sla_id_scopes
        on report_sla.sla_target_id = sla_id_scopes.sla_target_id
    where report_sla.is_published_sla

),

sla_tiles as (

    select
        'overall' as scope,
        'SLA compliance, all reports' as tile_label,
        cast(null as decimal(18, 8)) as scope_target_hours,
        0 as scope_order

    union all

    select
        scope,
        scope_label as tile_label,
        target_hours as scope_target_hours,
        scope_order
    from sla_scopes

),

sla_counts as (

    select
        windows.window_kind,
        windows.windows_back,
        sla_tiles.scope,
        sum(case when sla_reports.sla_status is not null then 1 else 0 end) as reports,
        sum(case when sla_reports.sla_status = 'compliant' then 1 else 0 end) as compliant,
        sum(case when sla_reports.sla_status = 'breached' then 1 else 0 end) as breached,
        sum(case when sla_reports.sla_status = 'open_breached' then 1 else 0 end) as open_breached,
        sum(case when sla_reports.sla_status = 'open_within_target' then 1 else 0 end) as open_within_target
    from windows
    cross join sla_tiles
    left join sla_reports
        on
            sla_tiles.scope = sla_reports.scope
            and sla_reports.received_at >= cast(windows.window_start as timestamp)
            and sla_reports.received_at < cast(windows.window_end as timestamp)
    group by windows.window_kind, windows.windows_back, sla_tiles.scope

),

prevalence_measures as (

    select
        windows.window_kind,
        windows.windows_back,
        'spam_prevalence' as tile_key,
        'all' as scope,
        case when prevalence_rollup.is_incomplete then null else cast(prevalence_rollup.per_10k as double) end as metric_value,
        case when prevalence_rollup.is_incomplete then null else cast(prevalence_rollup.ci_low_per_10k as double) end as ci_low,
        case when prevalence_rollup.is_incomplete then null else cast(prevalence_rollup.ci_high_per_10k as double) end as ci_high,
        prevalence_rollup.labelled_samples as n,
        prevalence_rollup.violating_samples as numerator,
        coalesce(prevalence_rollup.is_upper_bound_only and not prevalence_rollup.is_incomplete, false) as is_upper_bound_only,
        coalesce(prevalence_rollup.is_suppressed and not prevalence_rollup.is_incomplete, false) as is_suppressed,
        coalesce(prevalence_rollup.is_incomplete, false) as is_incomplete,
        prevalence_rollup.label_completeness,
        cast(null as bigint) as impressions,
        cast(null as bigint) as unwanted_before_signal,
        cast(null as bigint) as unwanted_after_signal,
        cast(null as bigint) as reports,
        cast(null as bigint) as breached,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from windows
    left join prevalence_rollup
        on
            windows.window_kind = prevalence_rollup.period_type
            and windows.window_start = prevalence_rollup.period_start

),

unwanted_measures as (

    select
        windows.window_kind,
        windows.windows_back,
        'unwanted_impressions' as tile_key,
        'all' as scope,
        10000 * {{ safe_ratio('sum(unwanted_daily.unwanted_impressions)', 'sum(unwanted_daily.impressions)') }} as metric_value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        sum(unwanted_daily.impressions) as n,
        sum(unwanted_daily.unwanted_impressions) as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as decimal(18, 8)) as label_completeness,
        sum(unwanted_daily.impressions) as impressions,
        sum(unwanted_daily.unwanted_before_signal) as unwanted_before_signal,
        sum(unwanted_daily.unwanted_after_signal) as unwanted_after_signal,
        cast(null as bigint) as reports,
        cast(null as bigint) as breached,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from windows
    left join unwanted_daily
        on
            windows.window_start <= unwanted_daily.date_day
            and windows.window_end > unwanted_daily.date_day
    group by windows.window_kind, windows.windows_back

),

sla_measures as (

    select
        window_kind,
        windows_back,
        case when scope = 'overall' then 'sla_overall' else 'sla_' || scope end as tile_key,
        scope,
        {{ safe_ratio('compliant', 'compliant + breached + open_breached') }} as metric_value,
        {{ wilson_low(safe_ratio('compliant', 'compliant + breached + open_breached'), 'compliant + breached + open_breached') }} as ci_low,
        {{ wilson_high(safe_ratio('compliant', 'compliant + breached + open_breached'), 'compliant + breached + open_breached') }} as ci_high,
        compliant + breached + open_breached as n,
        compliant as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as decimal(18, 8)) as label_completeness,
        cast(null as bigint) as impressions,
        cast(null as bigint) as unwanted_before_signal,
        cast(null as bigint) as unwanted_after_signal,
        reports,
        breached,
        open_breached,
        open_within_target
    from sla_counts

),

proactive_measures as (

    select
        windows.window_kind,
        windows.windows_back,
        'proactive_rate' as tile_key,
        'all' as scope,
        {{ safe_ratio('sum(proactive_daily.proactive_items)', 'sum(proactive_daily.actioned_items)') }} as metric_value,
        {{ wilson_low(safe_ratio('sum(proactive_daily.proactive_items)', 'sum(proactive_daily.actioned_items)'), 'sum(proactive_daily.actioned_items)') }} as ci_low,
        {{ wilson_high(safe_ratio('sum(proactive_daily.proactive_items)', 'sum(proactive_daily.actioned_items)'), 'sum(proactive_daily.actioned_items)') }} as ci_high,
        sum(proactive_daily.actioned_items) as n,
        sum(proactive_daily.proactive_items) as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as decimal(18, 8)) as label_completeness,
        cast(null as bigint) as impressions,
        cast(null as bigint) as unwanted_before_signal,
        cast(null as bigint) as unwanted_after_signal,
        cast(null as bigint) as reports,
        cast(null as bigint) as breached,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from windows
    left join proactive_daily
        on
            windows.window_start <= proactive_daily.date_day
            and windows.window_end > proactive_daily.date_day
    group by windows.window_kind, windows.windows_back

),

overturn_counts as (

    select
        windows.window_kind,
        windows.windows_back,
        sum(case when resolved_appeals.appeal_id is not null then 1 else 0 end) as resolved,
        sum(case when resolved_appeals.is_reversed then 1 else 0 end) as reversed
    from windows
    left join resolved_appeals
        on
            resolved_appeals.resolved_at >= cast(windows.window_start as timestamp)
            and resolved_appeals.resolved_at < cast(windows.window_end as timestamp)
    group by windows.window_kind, windows.windows_back

),

overturn_measures as (

    select
        window_kind,
        windows_back,
        'appeal_overturn_rate' as tile_key,
        'all' as scope,
        {{ safe_ratio('reversed', 'resolved') }} as metric_value,
        {{ wilson_low(safe_ratio('reversed', 'resolved'), 'resolved') }} as ci_low,
        {{ wilson_high(safe_ratio('reversed', 'resolved'), 'resolved') }} as ci_high,
        resolved as n,
        reversed as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as decimal(18, 8)) as label_completeness,
        cast(null as bigint) as impressions,
        cast(null as bigint) as unwanted_before_signal,
        cast(null as bigint) as unwanted_after_signal,
        cast(null as bigint) as reports,
        cast(null as bigint) as breached,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from overturn_counts

),

measures as (

    select * from prevalence_measures
    union all
    select * from unwanted_measures
    union all
    select * from sla_measures
    union all
    select * from proactive_measures
    union all
    select * from overturn_measures

),

tiles as (

    select
        'spam_prevalence' as tile_key,
        'Spam prevalence' as tile_label,
        'spam_prevalence_per_10k' as metric,
        'all' as scope,
        'per_10k' as unit,
        cast(null as decimal(18, 8)) as scope_target_hours,
        'impression-weighted, all surfaces, pooled samples; 95% interval' as note,
        1 as tile_order

    union all

    select
        'unwanted_impressions' as tile_key,
        'Unwanted impressions' as tile_label,
        'unwanted_impressions_per_10k' as metric,
        'all' as scope,
        'per_10k' as unit,
        cast(null as decimal(18, 8)) as scope_target_hours,
        'spam impressions before action; grows for past days as later actions land' as note,
        2 as tile_order

    union all

    select
        case when scope = 'overall' then 'sla_overall' else 'sla_' || scope end as tile_key,
        tile_label,
        'sla_compliance' as metric,
        scope,
        'share' as unit,
        scope_target_hours,
        case
            when scope = 'overall' then 'reports received in the window and decided: share decided within target'
            else 'published SLA'
        end as note,
        3 + scope_order as tile_order
    from sla_tiles

    union all

    select
        'proactive_rate' as tile_key,
        'Proactive rate' as tile_label,
        'proactive_rate' as metric,
        'all' as scope,
        'share' as unit,
        cast(null as decimal(18, 8)) as scope_target_hours,
        'items actioned before any external report' as note,
        1000 as tile_order

    union all

    select
        'appeal_overturn_rate' as tile_key,
        'Appeal overturn rate' as tile_label,
        'appeal_overturn_rate' as metric,
        'all' as scope,
        'share' as unit,
        cast(null as decimal(18, 8)) as scope_target_hours,
        'appeals resolved in the window that reversed the decision' as note,
        1001 as tile_order

),

with_targets as (

    select
        tiles.tile_key,
        tiles.tile_label,
        tiles.metric,
        tiles.scope,
        tiles.unit,
        tiles.scope_target_hours,
        tiles.note,
        tiles.tile_order,
        windows.window_kind,
        windows.windows_back,
        windows.window_start,
        windows.window_end,
        windows.window_last_day,
        windows.days_covered,
        windows.days_in_window,
        windows.as_of,
        measures.metric_value,
        measures.ci_low,
        measures.ci_high,
        measures.n,
        measures.numerator,
        measures.is_upper_bound_only,
        measures.is_suppressed,
        measures.is_incomplete,
        measures.label_completeness,
        measures.impressions,
        measures.unwanted_before_signal,
        measures.unwanted_after_signal,
        measures.reports,
        measures.breached,
        measures.open_breached,
        measures.open_within_target,
        coalesce(exact_target.target, default_target.target) as target,  -- noqa: RF04
        coalesce(exact_target.red_threshold, default_target.red_threshold) as red_threshold,
        coalesce(exact_target.direction, default_target.direction) as direction,
        -- the metric_value people read: none when suppressed or incomplete, the upper bound when only it is supported
        case
            when measures.is_suppressed or measures.is_incomplete then null
            when measures.is_upper_bound_only and measures.ci_high is not null then measures.ci_high
            else measures.metric_value
        end as shown_value
    from tiles
    cross join windows
    left join measures
        on
            tiles.tile_key = measures.tile_key
            and windows.window_kind = measures.window_kind
            and windows.windows_back = measures.windows_back
    left join targets as exact_target
        on tiles.metric = exact_target.metric and tiles.scope = exact_target.scope
    left join targets as default_target
        on tiles.metric = default_target.metric and default_target.scope = '*'

),

with_status as (

    select
        *,
        {{ dashboard_status('shown_value', 'target', 'red_threshold', 'direction', 'is_upper_bound_only') }} as status
    from with_targets

),

with_previous as (

    select
        with_status.*,
        previous.metric_value as previous_value,
        case
            when
                with_status.is_suppressed or previous.is_suppressed
                or with_status.is_incomplete or previous.is_incomplete
                then 'no_rate'
            when with_status.is_upper_bound_only or previous.is_upper_bound_only then 'upper_bound_only'
        end as change_blocked_reason,
        with_status.metric_value - previous.metric_value as change_delta,
        case
            when previous.metric_value != 0 then (with_status.metric_value - previous.metric_value) / abs(previous.metric_value)
        end as change_relative
    from with_status
    left join with_status as previous
        on
            with_status.tile_key = previous.tile_key
            and with_status.window_kind = previous.window_kind
            and with_status.windows_back + 1 = previous.windows_back

),

with_change as (

    select
        *,
        case
            when change_delta is null then true
            when unit = 'share' then abs(change_delta) < 0.0005
            when change_relative is null then abs(change_delta) < 0.05
            else abs(change_relative) < 0.005
        end as is_change_flat
    from with_previous

),

final as (

    select
        tile_key,
        tile_label,
        metric,
        scope,
        unit,
        note,
        cast(tile_order as bigint) as tile_order,
        {{ fixed_decimal('scope_target_hours') }} as scope_target_hours,
        window_kind,
        windows_back,
        window_start,
        window_end,
        window_last_day,
        days_covered,
        days_in_window,
        as_of,
        {{ fixed_decimal('metric_value') }} as metric_value,
        {{ fixed_decimal('ci_low') }} as ci_low,
        {{ fixed_decimal('ci_high') }} as ci_high,
        {{ fixed_decimal('shown_value') }} as shown_value,
        cast(n as bigint) as n,
        cast(numerator as bigint) as numerator,
        is_upper_bound_only,
        is_suppressed,
        is_incomplete,
        {{ fixed_decimal('label_completeness') }} as label_completeness,
        cast(impressions as bigint) as impressions,
        cast(unwanted_before_signal as bigint) as unwanted_before_signal,
        cast(unwanted_after_signal as bigint) as unwanted_after_signal,
        {{ fixed_decimal(safe_ratio('unwanted_after_signal', 'numerator')) }} as unwanted_after_signal_share,
        cast(reports as bigint) as reports,
        cast(breached as bigint) as breached,
        cast(open_breached as bigint) as open_breached,
        cast(open_within_target as bigint) as open_within_target,
        target,
        red_threshold,
        direction,
        status,
        {{ fixed_decimal('previous_value') }} as previous_value,
        change_blocked_reason,
        {{ fixed_decimal('change_delta') }} as change_delta,
        {{ fixed_decimal('change_relative') }} as change_relative,
        is_change_flat,
        case
            when is_change_flat then 'flat'
            when (change_delta < 0) = coalesce(direction = 'lower_is_better', metric != 'sla_compliance') then 'good'
            else 'bad'
        end as change_sentiment
    from with_change

)

select * from final
