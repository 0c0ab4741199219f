{%- set fields = [
    {'name': 'month', 'type': 'month', 'required': true},
    {'name': 'country', 'type': 'str', 'required': true},
    {'name': 'recipients', 'type': 'int', 'required': true, 'nonneg': true},
] -%}

{#- A month's figure delivered again is a restatement: the last delivery wins. -#}
{{ platform_base(
    source('platform', 'monthly_active_recipients'), fields, key=['month', 'country'],
    format='columns', dedup='latest'
) }}
