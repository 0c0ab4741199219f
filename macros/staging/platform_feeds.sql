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

{#- The longest a feed's events may arrive after they happened (max_lateness_days): data for a
    period is complete once every feed has been delivered that many days past its end. -#}
{% macro platform_feeds_max_lateness_days() -%}
    {%- set ns = namespace(days=0) -%}
    {%- for name in platform_feed_names() -%}
        {%- set days = platform_feed(name).get('max_lateness_days') -%}
        {%- if days is none -%}
            {{ exceptions.raise_compiler_error("feed " ~ name ~ ": max_lateness_days is not declared") }}
        {%- endif -%}
        {%- set ns.days = [ns.days, days | int] | max -%}
    {%- endfor -%}
    {{ return(ns.days) }}
{%- endmacro %}
