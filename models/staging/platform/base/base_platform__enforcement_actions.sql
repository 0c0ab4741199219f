{{ platform_base('enforcement_actions') }}
