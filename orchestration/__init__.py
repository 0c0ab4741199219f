"""Integrity analytics warehouse: simulator, ingestion, Dagster definitions, exports, dashboard and CLI."""
