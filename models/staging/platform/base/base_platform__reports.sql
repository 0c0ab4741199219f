{{ platform_base('reports') }}
