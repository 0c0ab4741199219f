{#- A month's figure delivered again is a restatement: the last delivery wins. -#}
{{ platform_base('monthly_active_recipients') }}
