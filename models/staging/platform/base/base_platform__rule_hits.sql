{%- set fields = [
    {'name': 'hit_id', 'type': 'str', 'required': true},
    {'name': 'hit_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'rule_id', 'type': 'str', 'required': true},
    {'name': 'rule_version', 'type': 'int', 'required': true, 'nonneg': true},
    {'name': 'mode', 'type': 'str', 'required': true, 'enum': ['enforce', 'shadow']},
    {'name': 'target_type', 'type': 'str', 'required': true, 'enum': ['content', 'account']},
    {'name': 'target_id', 'type': 'str', 'required': true, 'target_pii': true, 'ref': 'target'},
    {'name': 'score', 'type': 'float', 'range': [0, 1]},
] -%}

{{ platform_base(source('platform', 'rule_hits'), fields, key=['hit_id']) }}
