{%- set fields = [
    {'name': 'appeal_id', 'type': 'str', 'required': true},
    {'name': 'action_id', 'type': 'str', 'required': true, 'ref': 'actions'},
    {'name': 'filed_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'route', 'type': 'str', 'required': true, 'enum': ['internal', 'out_of_court']},
    {'name': 'outcome', 'type': 'str', 'enum': ['upheld', 'reversed', 'partially_reversed', 'omitted']},
    {'name': 'resolved_at', 'type': 'ts', 'event_time': true},
    {'name': 'outcome_implemented', 'type': 'bool'},
] -%}

{{ platform_base(source('platform', 'appeals'), fields, key=['appeal_id']) }}
