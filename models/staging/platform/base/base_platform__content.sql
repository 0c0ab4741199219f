{%- set fields = [
    {'name': 'content_id', 'type': 'str', 'required': true},
    {'name': 'content_type', 'type': 'str', 'required': true,
     'enum': ['track', 'episode', 'show', 'audiobook', 'playlist', 'profile', 'comment']},
    {'name': 'owner_account_id', 'type': 'str', 'required': true, 'pii': 'owner_account_key', 'ref': 'accounts'},
    {'name': 'created_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'updated_at', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'country', 'type': 'str'},
    {'name': 'language', 'type': 'str'},
    {'name': 'title', 'type': 'str'},
    {'name': 'description', 'type': 'str'},
    {'name': 'link_domains', 'type': 'str_list'},
    {'name': 'ean13', 'type': 'str'},
] -%}

{#- Catalogue changes: the newest updated_at of a content_id wins; two different records with the
    same content_id and updated_at conflict (the first delivered wins). -#}
{{ platform_base(
    source('platform', 'content'), fields, key=['content_id'], dedup='version', version_by='updated_at'
) }}
