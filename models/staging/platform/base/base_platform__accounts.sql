{{ platform_base('accounts') }}
