{%- set fields = [
    {'name': 'reviewer_id', 'type': 'str', 'required': true, 'pii': 'reviewer_key'},
    {'name': 'vendor', 'type': 'str', 'required': true},
    {'name': 'employment', 'type': 'str', 'required': true, 'enum': ['internal', 'external']},
    {'name': 'languages', 'type': 'str_split', 'required': true},
    {'name': 'active_from', 'type': 'date', 'required': true},
    {'name': 'active_to', 'type': 'date'},
] -%}

{#- A snapshot: each delivery restates the roster, so the last delivered row of a reviewer wins. -#}
{{ platform_base(
    source('platform', 'moderators'), fields, key=['reviewer_id'], format='columns', dedup='latest'
) }}
