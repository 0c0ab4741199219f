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

{#- One select per feed of the registry, unioned: `'<feed>' as feed` and `columns` from the feed's
    base model (`from_='base'`) or its raw records (`from_='source'`, macro platform_raw), with an optional
    `where` and `group_by`. Reconciliation and schema drift are loops over the registry through
    this macro, so no model writes a per-feed block of its own. -#}
{% macro platform_feeds_union(columns, from_='base', where=none, group_by=none) -%}
    {%- for feed in platform_feed_names() %}
        {%- if not loop.first %}
        union all
        {%- endif %}
        select
            '{{ feed }}' as feed,
            {{ columns | join(',\n            ') }}
        from {{ platform_raw(feed) if from_ == 'source' else ref('base_platform__' ~ feed) }} as records
        {%- if where %}
        where {{ where }}
        {%- endif %}
        {%- if group_by %}
        group by {{ group_by }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
