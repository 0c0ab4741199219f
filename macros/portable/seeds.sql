{#- Loading a seed on Spark. dbt-spark's own spark__load_csv_rows binds every value as the text
    '<value>' (its session cursor's _fix_binding): an empty cell becomes the string 'None' and an
    apostrophe ends the literal. This version writes each value as a literal itself: an empty
    cell is null, text is quoted with its apostrophes written as chr(39), numbers and booleans as
    they are, each cast to the seed column's type as dbt-spark does. Dispatched by dbt itself
    (load_csv_rows); the root project's spark__ version takes precedence over the adapter's. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set batch_size = get_batch_size() -%}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
      {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(batch_size) -%}
      {%- set sql -%}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for value in row -%}
                  cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }})
                  {%- if not loop.last %}, {% endif -%}
              {%- endfor -%})
              {%- if not loop.last %},{% endif %}
          {% endfor %}
      {%- endset -%}
      {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
      {%- if loop.first -%}
          {%- do statements.append(sql) -%}
      {%- endif -%}
  {%- endfor -%}
  {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#- One seed cell as a Spark SQL literal (the profile reads string literals as written, so a
    backslash is itself; an apostrophe is spliced in as chr(39)). -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace("'", "' || chr(39) || '") }}'
    {%- endif -%}
{%- endmacro %}
