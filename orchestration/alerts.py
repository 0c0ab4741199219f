"""SLA breach alerts: every *new* breach of a P0/P1 escalation or an authority order, raised once.

A breach is a report in marts.fct_report_sla whose status is `breached` (decided late) or
`open_breached` (still open past its target as of the data). An alert goes to the log, to
`<data>/exports/alerts/sla-breaches-<as_of day>.jsonl`, and, when INTEGRITY_ALERT_WEBHOOK is set,
to that URL as one JSON POST per batch (`{"text": ..., "alerts": [...]}`, Slack-compatible).
A ledger (`<data>/state/sla_alert_ledger.json`) remembers the reports already alerted, so the
hourly monitor raises each breach exactly once, however often it runs.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from orchestration.paths import DataPaths

log = logging.getLogger(__name__)

WEBHOOK_ENV = "INTEGRITY_ALERT_WEBHOOK"
BATCH = 100

BREACH_SQL = """
select
    report_id,
    received_at,
    reporter_type,
    channel,
    priority,
    policy_area,
    queue,
    vendor,
    target_hours,
    first_decision_at,
    hours_to_decision,
    sla_status,
    as_of
from marts.fct_report_sla
where sla_status in ('breached', 'open_breached')
  and (priority in ('P0', 'P1') or reporter_type = 'authority')
order by received_at, report_id
"""


@dataclass
class AlertSummary:
    breaches: int = 0
    new_alerts: int = 0
    already_alerted: int = 0
    file: str | None = None
    webhook_posts: int = 0
    webhook_errors: list[str] = field(default_factory=list)


def _ledger_path(paths: DataPaths) -> Path:
    return paths.state / "sla_alert_ledger.json"


def load_ledger(paths: DataPaths) -> set[str]:
    path = _ledger_path(paths)
    if not path.exists():
        return set()
    return set(json.loads(path.read_text()).get("alerted_report_ids", []))


def _save_ledger(paths: DataPaths, alerted: set[str]) -> None:
    path = _ledger_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"alerted_report_ids": sorted(alerted)}, indent=0))
    os.replace(tmp, path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def current_breaches(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(BREACH_SQL)
    names = [d[0] for d in cursor.description]
    return [{n: _jsonable(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _kind(breach: dict[str, Any]) -> str:
    return (
        "authority_order"
        if breach.get("reporter_type") == "authority"
        else f"escalation_{breach.get('priority')}"
    )


def _post(url: str, payload: dict[str, Any], timeout: float = 10.0) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def raise_alerts(
    breaches: Iterable[dict[str, Any]],
    paths: DataPaths,
    *,
    webhook: str | None = None,
    logger: logging.Logger | Any = None,
) -> AlertSummary:
    """Alert every breach not alerted before; return what was done."""
    logger = logger or log
    webhook = webhook if webhook is not None else os.environ.get(WEBHOOK_ENV) or None
    breaches = list(breaches)
    alerted = load_ledger(paths)
    new = [b for b in breaches if str(b["report_id"]) not in alerted]
    summary = AlertSummary(
        breaches=len(breaches), new_alerts=len(new), already_alerted=len(breaches) - len(new)
    )
    if not new:
        return summary
    raised_at = datetime.now(UTC).isoformat(timespec="seconds")
    alerts = [
        {
            "alert": "sla_breach",
            "kind": _kind(b),
            "raised_at": raised_at,
            **b,
        }
        for b in new
    ]
    as_of_day = str(alerts[-1].get("as_of") or raised_at)[:10]
    out_dir = paths.exports / "alerts"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"sla-breaches-{as_of_day}.jsonl"
    with out.open("a", encoding="utf-8") as handle:
        for alert in alerts:
            handle.write(json.dumps(alert, sort_keys=True) + "\n")
    summary.file = str(out)
    for alert in alerts:
        logger.warning(
            f"SLA breach ({alert['kind']}): report {alert['report_id']} received {alert['received_at']}, "
            f"target {alert['target_hours']}h, status {alert['sla_status']}, queue {alert['queue']}"
        )
    if webhook:
        for start in range(0, len(alerts), BATCH):
            batch = alerts[start : start + BATCH]
            text = f"{len(batch)} new SLA breach(es) of P0/P1 escalations or authority orders (as of {as_of_day})"
            try:
                _post(webhook, {"text": text, "alerts": batch})
                summary.webhook_posts += 1
            except Exception as exc:  # the file and the log already hold the alert: warn, go on
                summary.webhook_errors.append(str(exc))
                logger.error(f"SLA alert webhook failed: {exc}")
    # Record only after the alerts are written: a crash before this raises them again rather than never.
    _save_ledger(paths, alerted | {str(b["report_id"]) for b in new})
    return summary


def monitor(paths: DataPaths, con: duckdb.DuckDBPyConnection, *, logger: Any = None) -> AlertSummary:
    return raise_alerts(current_breaches(con), paths, logger=logger)
