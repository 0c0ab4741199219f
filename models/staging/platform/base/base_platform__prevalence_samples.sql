{%- set fields = [
    {'name': 'sample_id', 'type': 'str', 'required': true},
    {'name': 'hour_ts', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'content_id', 'type': 'str', 'required': true, 'ref': 'content'},
    {'name': 'surface', 'type': 'str', 'required': true,
     'enum': ['home', 'search', 'browse', 'playlist_page', 'show_page', 'radio', 'notification', 'share_page']},
    {'name': 'country', 'type': 'str', 'required': true},
    {'name': 'stratum', 'type': 'str', 'required': true},
    {'name': 'inclusion_prob', 'type': 'float', 'required': true, 'range': [0, 1], 'lo_open': true},
    {'name': 'label', 'type': 'str', 'enum': ['violating', 'not_violating', 'unlabelable']},
    {'name': 'policy_code', 'type': 'str', 'ref': 'policies'},
    {'name': 'labeled_at', 'type': 'ts', 'event_time': true},
    {'name': 'labeler_id', 'type': 'str', 'pii': 'labeler_key'},
] -%}

{#- Prevalence counts violating samples by policy: a violating label without one cannot be counted.
    `label` is null while a sample awaits labelling (it lowers label_completeness): not a rejection. -#}
{{ platform_base(
    source('platform', 'prevalence_samples'), fields, key=['sample_id'],
    extra_checks=[{
        'when': "\"label\" = 'violating' and \"policy_code__text\" is null",
        'reason': 'violating_without_policy',
        'detail': 'label=violating, policy_code missing',
    }]
) }}
