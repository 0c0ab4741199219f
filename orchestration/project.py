"""The dbt project as a module-level `DbtProject`, for dagster-dbt's deployment command:

    dagster-dbt project prepare-and-package --file orchestration/project.py

writes target/manifest.json (DBT_TARGET_PATH when set) before the Dagster definitions load.
`integrity run`, `build` and `ui` prepare the same way (`orchestration.dbt.prepare`).
"""

from orchestration.dbt import dbt_project

DBT_PROJECT = dbt_project()
