"""Publish (atomic, marts + reference only, no personal data) and SLA alerts (new breaches once)."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest

from orchestration.alerts import load_ledger, monitor
from orchestration.errors import UserError
from orchestration.paths import data_paths
from orchestration.publish import publish


def _warehouse(root: Path, *, leak: bool = False) -> Path:
    paths = data_paths(root)
    paths.root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.warehouse))
    for schema in ("raw", "staging", "quarantine", "intermediate", "marts", "reference"):
        con.execute(f"create schema {schema}")
    con.execute("create table raw.reports as select 'r1' as report_id, 'alice@example.com' as reporter_email")
    con.execute("create table staging.stg_x as select 1 as a")
    con.execute("create table quarantine.qrt_platform__reports as select 'r1' as raw_record")
    con.execute("create table quarantine.rpt_load_reconciliation as select 'reports' as feed, 3 as raw_records")
    con.execute("create table reference.policies as select 'SPAM' as policy_code, true as is_spam")
    extra = ", 'u1' as reporter_id" if leak else ""
    con.execute(f"create table marts.fct_x as select range as id{extra} from range(1000)")
    con.close()
    return root


def test_publish_copies_only_marts_and_reference_and_swaps_atomically(tmp_path):
    paths = data_paths(_warehouse(tmp_path / "data"))
    result = publish(paths)
    assert result.tables == {
        "marts.fct_x": 1000,
        "reference.policies": 1,
        "quarantine.rpt_load_reconciliation": 1,
    }
    con = duckdb.connect(str(paths.published), read_only=True)
    schemas = {
        r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()
    }
    con.close()
    assert schemas == {"marts", "reference", "quarantine"}
    assert not list(paths.published_dir.glob("*.tmp")), "the temporary copy was left behind"


def test_publish_refuses_personal_data_and_keeps_the_previous_copy(tmp_path):
    paths = data_paths(_warehouse(tmp_path / "data"))
    publish(paths)
    before = paths.published.read_bytes()
    paths.warehouse.unlink()
    _warehouse(tmp_path / "data", leak=True)
    with pytest.raises(UserError, match="reporter_id"):
        publish(paths)
    assert paths.published.read_bytes() == before
    assert not list(paths.published_dir.glob("*.tmp"))


def _reader(path: str, stop_at: float, queue) -> None:
    errors, reads = [], 0
    while time.time() < stop_at:
        try:
            con = duckdb.connect(path, read_only=True)
            reads += con.execute("select count(*) from marts.fct_x").fetchone()[0] > 0
            con.close()
        except Exception as exc:  # collected, the test fails on any
            errors.append(repr(exc))
    queue.put((reads, errors))


def test_readers_never_see_a_lock_error_while_publishing(tmp_path):
    paths = data_paths(_warehouse(tmp_path / "data"))
    publish(paths)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    stop_at = time.time() + 4
    readers = [ctx.Process(target=_reader, args=(str(paths.published), stop_at, queue)) for _ in range(4)]
    for proc in readers:
        proc.start()
    publishes = 0
    while time.time() < stop_at:
        publish(paths)
        publishes += 1
    results = [queue.get(timeout=30) for _ in readers]
    for proc in readers:
        proc.join(timeout=30)
    assert publishes > 1
    assert all(reads > 0 for reads, _ in results)
    assert [e for _, errors in results for e in errors] == []


SLA_ROWS = """
select * from (values
    ('r1', 'user', 'escalation', 'P0', 'breached'),
    ('r2', 'authority', 'authority_portal', null, 'open_breached'),
    ('r3', 'user', 'escalation', 'P2', 'breached'),
    ('r4', 'user', 'in_app', 'P1', 'compliant'),
    ('r5', 'trusted_flagger', 'escalation', 'P1', 'open_breached')
) as t(report_id, reporter_type, channel, priority, sla_status)
"""


def _sla_warehouse(root: Path, rows_sql: str = SLA_ROWS) -> duckdb.DuckDBPyConnection:
    root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("create schema if not exists marts")
    con.execute(
        f"""
        create or replace table marts.fct_report_sla as
        select
            report_id, timestamp '2026-10-30 10:00:00' as received_at, reporter_type, channel, priority,
            'spam' as policy_area, 'escalations' as queue, 'vendor_a' as vendor, 4.0 as target_hours,
            null::timestamp as first_decision_at, null::double as hours_to_decision, sla_status,
            timestamp '2026-10-31 23:00:00' as as_of
        from ({rows_sql})
        """
    )
    return con


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(monkeypatch):
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("INTEGRITY_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hook")
    yield _Hook.received
    server.shutdown()


def test_new_breaches_of_p0_p1_and_authority_orders_alert_once(tmp_path, webhook):
    paths = data_paths(tmp_path / "data")
    con = _sla_warehouse(paths.root)
    first = monitor(paths, con)
    assert (first.breaches, first.new_alerts) == (3, 3)
    assert load_ledger(paths) == {"r1", "r2", "r5"}
    lines = [json.loads(line) for line in (paths.exports / "alerts" / "sla-breaches-2026-10-31.jsonl").open()]
    assert sorted(a["report_id"] for a in lines) == ["r1", "r2", "r5"]
    assert {a["kind"] for a in lines} == {"escalation_P0", "authority_order", "escalation_P1"}
    assert len(webhook) == 1 and len(webhook[0]["alerts"]) == 3 and "3 new" in webhook[0]["text"]

    again = monitor(paths, con)
    assert (again.breaches, again.new_alerts, again.already_alerted) == (3, 0, 3)
    assert len(webhook) == 1, "an already-alerted breach was sent again"

    con.close()
    con = _sla_warehouse(
        paths.root,
        SLA_ROWS.replace(
            "('r4', 'user', 'in_app', 'P1', 'compliant')", "('r4', 'user', 'in_app', 'P1', 'open_breached')"
        ),
    )
    third = monitor(paths, con)
    con.close()
    assert third.new_alerts == 1
    assert [a["report_id"] for a in webhook[1]["alerts"]] == ["r4"]


def test_alerts_go_to_file_and_log_without_webhook(tmp_path, monkeypatch):
    monkeypatch.delenv("INTEGRITY_ALERT_WEBHOOK", raising=False)
    paths = data_paths(tmp_path / "data")
    con = _sla_warehouse(paths.root)
    summary = monitor(paths, con)
    con.close()
    assert summary.new_alerts == 3 and summary.webhook_posts == 0 and summary.file
