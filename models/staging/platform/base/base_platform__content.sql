{#- Catalogue changes: the newest updated_at of a content_id wins; two different records with the
    same content_id and updated_at conflict (the first delivered wins). -#}
{{ platform_base('content') }}
