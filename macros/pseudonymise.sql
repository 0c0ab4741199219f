{#- Keyed hash for personal identifiers (account, reporter, reviewer, labeler, auditor ids).
    The key comes from INTEGRITY_PSEUDONYM_KEY; the development default is public and must be
    replaced in production. Same key + same id = same pseudonym, so joins still work. -#}
{% macro pseudonymise(column, prefix='p') -%}
    {{ return(adapter.dispatch('pseudonymise', 'integrity')(column, prefix)) }}
{%- endmacro %}

{% macro default__pseudonymise(column, prefix) -%}
    case
        when {{ column }} is not null
            then '{{ prefix }}_' || left(sha256('{{ env_var("INTEGRITY_PSEUDONYM_KEY", "dev-only-pseudonym-key") }}' || ':' || {{ column }}), 20)
    end
{%- endmacro %}

{#- The same pseudonym on Spark: sha2(.., 256) is the same lowercase hex digest as DuckDB's sha256. -#}
{% macro spark__pseudonymise(column, prefix) -%}
    case
        when {{ column }} is not null
            then '{{ prefix }}_' || left(sha2('{{ env_var("INTEGRITY_PSEUDONYM_KEY", "dev-only-pseudonym-key") }}' || ':' || {{ column }}, 256), 20)
    end
{%- endmacro %}
