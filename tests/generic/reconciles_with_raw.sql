{#- Load reconciliation: every raw record is in exactly one place, per row of the model. -#}
{% test reconciles_with_raw(model, raw='raw_records', parts=['clean', 'quarantined', 'duplicates', 'superseded']) %}

select *
from {{ model }}
where {{ raw }} <> {{ parts | join(' + ') }}

{% endtest %}
