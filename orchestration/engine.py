"""Which engine builds the warehouse: DuckDB (the default) or Apache Spark.

Chosen by configuration, never by code: `INTEGRITY_ENGINE=spark` (or `duckdb`), or, when that is
unset, the dbt target (`DBT_TARGET=spark` is the Spark engine). The dbt project is the same on
both; the engine decides the dbt target (profiles.yml: `dev` is DuckDB, `spark` is Spark), where
the tables are (the DuckDB file, or Parquet under `<data>/spark/warehouse`) and where the publish
step reads them from (orchestration/publish.py). Readers always read the published DuckDB copy.
"""

from __future__ import annotations

import os

from orchestration.errors import UserError

ENGINES: tuple[str, ...] = ("duckdb", "spark")
SPARK_TARGET = "spark"


def current_engine() -> str:
    """The engine of this process's configuration (INTEGRITY_ENGINE, else the dbt target)."""
    given = os.environ.get("INTEGRITY_ENGINE", "").strip().lower()
    target = os.environ.get("DBT_TARGET", "").strip()
    if not given:
        return "spark" if target == SPARK_TARGET else "duckdb"
    if given not in ENGINES:
        raise UserError(f"INTEGRITY_ENGINE={given!r} is not an engine: use one of {', '.join(ENGINES)}")
    if given == "spark" and target and target != SPARK_TARGET:
        raise UserError(f"INTEGRITY_ENGINE=spark but DBT_TARGET={target!r}: unset DBT_TARGET or set it to spark")
    if given == "duckdb" and target == SPARK_TARGET:
        raise UserError("INTEGRITY_ENGINE=duckdb but DBT_TARGET=spark: unset one of them")
    return given


def apply_engine_env() -> str:
    """Set DBT_TARGET for the engine (dbt, dagster-dbt's manifest and `mf` read it from the
    environment); returns the engine."""
    engine = current_engine()
    if engine == "spark":
        os.environ["DBT_TARGET"] = SPARK_TARGET
    return engine
