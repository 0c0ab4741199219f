{#- A key delivered again with other counts is a restatement: the last delivery wins. -#}
{{ platform_base('impressions') }}
