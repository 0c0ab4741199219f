{{ platform_base('appeals') }}
