-- Annex I Part 7: internal complaints (Art. 20) and out-of-court disputes (Art. 21), and Art. 23
-- suspensions. Which events count (dsa.md): complaints filed in the reporting period (total);
-- outcomes decided in the period, whenever the complaint was filed (upheld, reversed, ...); the
-- median over the complaints resolved in the period. A closed period does not change later. One row per template indicator × scope:
-- total, upheld, partially_reversed, reversed, median_hours (filing to resolution, omitted
-- outcomes left out), omitted and share_implemented (out-of-court: implemented outcomes among
-- reversed and partially reversed ones). Complaints are split by what the contested action
-- restricted (visibility, provision of the service, account, monetisation).
-- Figures the feeds cannot carry are null with the reason in `context`.

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

actions as (

    select
        action_id,
        restriction_type
    from {{ ref('int_dsa_actions') }}

),

appeals as (

    select
        appeals.appeal_id,
        appeals.route,
        appeals.outcome,
        appeals.outcome_implemented,
        appeals.hours_to_resolve,
        appeals.filed_at >= period.period_start
        and appeals.filed_at < period.period_end + 1 as is_filed_in_period,
        coalesce(
            appeals.resolved_at >= period.period_start and appeals.resolved_at < period.period_end + 1, false
        ) as is_resolved_in_period,
        case actions.restriction_type
            when 'visibility' then 'complaints_visibility'
            when 'provision' then 'complaints_provision'
            when 'account' then 'complaints_account'
            when 'monetary' then 'complaints_monetary'
        end as basis_indicator
    from {{ ref('fct_appeals') }} as appeals
    cross join period
    left join actions
        on appeals.action_id = actions.action_id
    where
        (appeals.filed_at >= period.period_start and appeals.filed_at < period.period_end + 1)
        or (appeals.resolved_at >= period.period_start and appeals.resolved_at < period.period_end + 1)

),

-- each appeal counted under its route's indicator and, for complaints, under its basis
by_indicator as (

    select
        indicators.indicator,
        appeals.appeal_id,
        appeals.outcome,
        appeals.outcome_implemented,
        appeals.hours_to_resolve,
        appeals.is_filed_in_period,
        appeals.is_resolved_in_period
    from appeals
    {{ lateral_unnest(
        "case when appeals.route = 'internal' then " ~ array_of(["'complaints'", 'appeals.basis_indicator'])
        ~ " else " ~ array_of(["'disputes'"]) ~ " end",
        'indicators',
        'indicator'
    ) }}
    where indicators.indicator is not null

),

indicators as (

    select indicator_values.indicator
    from (
        values
        ('complaints'),
        ('complaints_visibility'),
        ('complaints_provision'),
        ('complaints_account'),
        ('complaints_monetary'),
        ('disputes')
    ) as indicator_values (indicator)

),

measured as (

    select
        indicators.indicator,
        count(*) filter (where by_indicator.is_filed_in_period) as total,
        count(*) filter (where by_indicator.is_resolved_in_period and by_indicator.outcome = 'upheld') as upheld,
        count(*) filter (
            where by_indicator.is_resolved_in_period and by_indicator.outcome = 'partially_reversed'
        ) as partially_reversed,
        count(*) filter (where by_indicator.is_resolved_in_period and by_indicator.outcome = 'reversed') as reversed,
        count(*) filter (where by_indicator.is_resolved_in_period and by_indicator.outcome = 'omitted') as omitted,
        count(*) filter (
            where by_indicator.is_filed_in_period and not by_indicator.is_resolved_in_period
        ) as pending,
        {{ percentile_cont('by_indicator.hours_to_resolve', 0.5) }} filter (
            where
            by_indicator.is_resolved_in_period
            and by_indicator.outcome in ('upheld', 'partially_reversed', 'reversed')
        ) as median_hours,
        count(*) filter (
            where
            by_indicator.is_resolved_in_period
            and by_indicator.outcome in ('reversed', 'partially_reversed')
            and by_indicator.outcome_implemented
        ) as implemented
    from indicators
    left join by_indicator
        on indicators.indicator = by_indicator.indicator
    group by indicators.indicator

),

scoped as (

    select
        measured.indicator,
        scopes.scope,
        case scopes.scope
            when 'total' then cast(measured.total as double)
            when 'upheld' then cast(measured.upheld as double)
            when 'partially_reversed' then cast(measured.partially_reversed as double)
            when 'reversed' then cast(measured.reversed as double)
            when 'median_hours' then measured.median_hours
            when 'omitted' then cast(measured.omitted as double)
            when 'share_implemented'
                then cast(measured.implemented as double) / nullif(measured.reversed + measured.partially_reversed, 0)
        end as figure,
        case
            when scopes.scope = 'total' and measured.pending > 0
                then measured.pending || ' filed in the period are still pending.'
        end as context
    from measured
    cross join (
        values
        ('total'), ('upheld'), ('partially_reversed'), ('reversed'), ('median_hours'), ('omitted'),
        ('share_implemented')
    ) as scopes (scope)

),

counted as (

    select * from scoped
    where
        indicator = 'disputes'
        or (indicator = 'complaints' and scope != 'share_implemented')
        or scope not in ('omitted', 'share_implemented')

),

not_in_feeds as (

    select
        not_recorded.indicator,
        'total' as scope,
        cast(null as double) as figure,
        not_recorded.context
    from (
        values
        (
            'restrictions_after_complaint',
            'The appeals feed records the outcome of a complaint on the contested action only; '
            || 'restrictions newly imposed after a complaint are not recorded.'
        ),
        (
            'suspensions_illegal_content',
            'The enforcement feed does not mark suspensions imposed under Art. 23 for manifestly illegal '
            || 'content apart from other account suspensions.'
        ),
        (
            'suspensions_unfounded_notices',
            'The feeds record no suspension of notifiers for manifestly unfounded notices.'
        ),
        (
            'suspensions_unfounded_complaints',
            'The feeds record no suspension of complainants for manifestly unfounded complaints.'
        )
    ) as not_recorded (indicator, context)

),

no_action_indicators as (

    select indicator_values.indicator
    from (
        values
        ('complaints_no_action_notice'),
        ('complaints_no_action_tf_notice')
    ) as indicator_values (indicator)

),

no_action_scopes as (

    select scope_values.scope
    from (
        values
        ('total'),
        ('upheld'),
        ('partially_reversed'),
        ('reversed'),
        ('median_hours')
    ) as scope_values (scope)

),

no_action_complaints as (

    select
        no_action_indicators.indicator,
        no_action_scopes.scope,
        cast(null as double) as figure,
        'Appeals in the feeds always contest an enforcement action (action_id is required): complaints '
        || 'about a decision not to act on a notice are not recorded.' as context
    from no_action_indicators
    cross join no_action_scopes

),

final as (

    select * from counted
    union all
    select * from not_in_feeds
    union all
    select * from no_action_complaints

)

-- published numbers are fixed decimals (counts stay whole)
select
    indicator,
    scope,
    {{ fixed_decimal('figure') }} as figure,
    context
from final
