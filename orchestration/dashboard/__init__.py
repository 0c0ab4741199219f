"""Leadership dashboard: one self-contained HTML page built from the published warehouse.

`build` (CLI `integrity dashboard`) reads the marts, `render` writes the page with inline SVG
charts (`charts`), `status` holds the red/amber/green rules and `screenshot` renders a PNG with
headless Chromium (`chromium`).
"""
