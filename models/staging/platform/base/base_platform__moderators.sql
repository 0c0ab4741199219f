{#- A snapshot: each delivery restates the roster, so the last delivered row of a reviewer wins. -#}
{{ platform_base('moderators') }}
