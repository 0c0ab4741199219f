{#- The columns together identify a row: no combination occurs twice (nulls compare equal).
    In a scheduled run on a model with a `run_window_column` (macro get_where_subquery), only the
    keys of the run's window are checked, each against the whole table (macro key_duplicates). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{{ key_duplicates(model, combination_of_columns) }}
{% endtest %}
