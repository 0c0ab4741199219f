{{ platform_base('rule_hits') }}
