{#- Red / amber / green of a dashboard value against its target (seeds/dashboard/targets.csv):
    green when the value meets the target (inclusive), red when worse than the red threshold
    (exclusive), amber between; 'none' without a value or a target. A value that is only an upper
    bound ("≤ X") proves green when it meets the target but never red: at worst amber. -#}
{% macro dashboard_status(value, target, red_threshold, direction, upper_bound_only='false') -%}
    case
        when ({{ value }}) is null or ({{ target }}) is null then 'none'
        when {{ direction }} = 'lower_is_better' and ({{ value }}) <= ({{ target }}) then 'green'
        when {{ direction }} <> 'lower_is_better' and ({{ value }}) >= ({{ target }}) then 'green'
        when {{ upper_bound_only }} then 'amber'
        when {{ direction }} = 'lower_is_better' and ({{ value }}) > ({{ red_threshold }}) then 'red'
        when {{ direction }} <> 'lower_is_better' and ({{ value }}) < ({{ red_threshold }}) then 'red'
        else 'amber'
    end
{%- endmacro %}
