{#- Prevalence counts violating samples by policy: a violating label without one cannot be counted.
    `label` is null while a sample awaits labelling (it lowers label_completeness): not a rejection. -#}
{{ platform_base('prevalence_samples') }}
