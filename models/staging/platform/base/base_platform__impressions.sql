{%- set fields = [
    {'name': 'hour_ts', 'type': 'ts', 'required': true, 'event_time': true},
    {'name': 'content_id', 'type': 'str', 'required': true, 'ref': 'content'},
    {'name': 'surface', 'type': 'str', 'required': true,
     'enum': ['home', 'search', 'browse', 'playlist_page', 'show_page', 'radio', 'notification', 'share_page']},
    {'name': 'country', 'type': 'str', 'required': true},
    {'name': 'impressions', 'type': 'int', 'required': true, 'nonneg': true},
    {'name': 'streams', 'type': 'int', 'nonneg': true},
] -%}

{#- A key delivered again with other counts is a restatement: the last delivery wins. -#}
{{ platform_base(
    source('platform', 'impressions'), fields, key=['hour_ts', 'content_id', 'surface', 'country'],
    format='columns', dedup='latest'
) }}
