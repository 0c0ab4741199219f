{%- set fields = [
    {'name': 'event_id', 'type': 'str', 'required': true},
    {'name': 'review_id', 'type': 'str', 'required': true},
    {'name': 'event_type', 'type': 'str', 'required': true, 'enum': ['enqueued', 'assigned', 'decided']},
    {'name': 'event_ts', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'target_type', 'type': 'str', 'required': true, 'enum': ['content', 'account']},
    {'name': 'target_id', 'type': 'str', 'required': true, 'target_pii': true, 'ref': 'target'},
    {'name': 'queue', 'type': 'str', 'required': true,
     'enum': ['spam', 'scam', 'impersonation', 'ip', 'hate', 'safety', 'appeals', 'escalations']},
    {'name': 'source_type', 'type': 'str', 'required': true,
     'enum': ['report', 'rule', 'classifier', 'prevalence_sample', 'qa_audit', 'appeal', 'escalation']},
    {'name': 'source_ref', 'type': 'str'},
    {'name': 'decision', 'type': 'str', 'enum': ['violating', 'not_violating', 'escalated', 'unable_to_review']},
    {'name': 'policy_code', 'type': 'str', 'ref': 'policies'},
    {'name': 'reviewer_id', 'type': 'str', 'pii': 'reviewer_key'},
    {'name': 'vendor', 'type': 'str'},
    {'name': 'reviewer_language', 'type': 'str'},
    {'name': 'handling_seconds', 'type': 'int', 'nonneg': true},
    {'name': 'automated', 'type': 'bool'},
] -%}

{{ platform_base(source('platform', 'review_events'), fields, key=['event_id']) }}
