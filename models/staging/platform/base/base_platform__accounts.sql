{%- set fields = [
    {'name': 'account_id', 'type': 'str', 'required': true, 'pii': 'account_key'},
    {'name': 'account_type', 'type': 'str', 'required': true,
     'enum': ['listener', 'artist', 'podcaster', 'label', 'business']},
    {'name': 'created_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'country', 'type': 'str', 'required': true},
    {'name': 'email', 'type': 'str', 'drop': true},
    {'name': 'signup_ip', 'type': 'str', 'drop': true},
    {'name': 'is_verified', 'type': 'bool'},
] -%}

{{ platform_base(source('platform', 'accounts'), fields, key=['account_id']) }}
