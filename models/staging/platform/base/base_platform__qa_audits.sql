{%- set fields = [
    {'name': 'audit_id', 'type': 'str', 'required': true},
    {'name': 'review_id', 'type': 'str', 'required': true, 'ref': 'reviews'},
    {'name': 'audited_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'gold_decision', 'type': 'str', 'required': true,
     'enum': ['violating', 'not_violating', 'escalated', 'unable_to_review']},
    {'name': 'gold_policy_code', 'type': 'str', 'ref': 'policies'},
    {'name': 'auditor_id', 'type': 'str', 'pii': 'auditor_key'},
] -%}

{{ platform_base(source('platform', 'qa_audits'), fields, key=['audit_id']) }}
