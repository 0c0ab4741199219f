{#- The feed registry (var `platform_feeds` in dbt_project.yml): one declaration per platform feed.
    Every model that handles all feeds loops over `platform_feed_names()`; none lists them. -#}
{% macro platform_feed_names() -%}
    {{ return(var('platform_feeds').keys() | list) }}
{%- endmacro %}

{% macro platform_feed(feed) -%}
    {%- set feeds = var('platform_feeds') -%}
    {%- if feed not in feeds -%}
        {{ exceptions.raise_compiler_error("feed " ~ feed ~ " is not in the feed registry (var platform_feeds)") }}
    {%- endif -%}
    {{ return(feeds[feed]) }}
{%- endmacro %}
