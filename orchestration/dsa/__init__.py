"""EU Digital Services Act outputs built from the warehouse.

- `period`: reporting periods (`2026`, `2026-H1`, `2026-01-01/2026-06-30`).
- `templates`: the official Annex I CSV templates shipped in `templates/`, filled and written.
- `report`: `integrity dsa-report --period P` (harmonised transparency report, versioned).
- `sor_*` and `sor`: statements of reasons (mapping, validation, puid ledger, batches),
  `integrity sor-export --date D`.
"""
