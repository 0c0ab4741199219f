"""Staging and quarantine on the hand-made landing zone: every record's fate, worked out by hand.

The comments in tests/fixtures/landing_mini/make_landing.py give each record's expected outcome;
the figures below are those comments counted. The landing zone here also has the day-2 records
with policy codes the policies seed does not have (`write_unseeded_policies`): they are held as
unknown_reference until the code is seeded.
"""

from __future__ import annotations

import importlib.util
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from helpers_warehouse import (
    LANDING_MINI_SCRIPT,
    STAGING,
    build_warehouse,
    query,
    run_dbt_isolated,
    write_landing_mini,
)

# Staging reads the policies seed (policy codes are references): build it with the seeds.
SELECT = [*STAGING, "resource_type:seed"]
UNSEEDED_POLICY, UNSEEDED_GOLD_POLICY = "spam_voice_cloning", "spam_ai_covers"

# feed, delivered_dt -> files, empty_files, unreadable_files, raw_records, clean, quarantined, duplicates,
# superseded, held (the part of quarantined held back as unknown_reference)
RECONCILIATION = {
    ("accounts", "2026-10-01"): (1, 0, 0, 8, 3, 4, 1, 0, 0),
    ("accounts", "2026-10-02"): (2, 1, 0, 4, 1, 3, 0, 0, 0),
    ("appeals", "2026-10-02"): (1, 0, 0, 3, 2, 1, 0, 0, 1),
    ("content", "2026-10-01"): (1, 0, 0, 4, 1, 2, 0, 1, 1),
    ("content", "2026-10-02"): (2, 0, 1, 3, 2, 1, 0, 0, 0),
    ("enforcement_actions", "2026-10-01"): (1, 0, 0, 4, 2, 2, 0, 0, 1),
    ("enforcement_actions", "2026-10-02"): (1, 0, 0, 3, 1, 2, 0, 0, 1),
    ("impressions", "2026-10-01"): (1, 0, 0, 7, 2, 3, 1, 1, 1),
    ("impressions", "2026-10-02"): (2, 0, 1, 2, 1, 1, 0, 0, 0),
    ("moderators", "2026-10-01"): (1, 0, 0, 3, 1, 1, 0, 1, 0),
    ("moderators", "2026-10-02"): (1, 0, 0, 2, 1, 0, 1, 0, 0),
    ("monthly_active_recipients", "2026-10-01"): (1, 0, 0, 3, 1, 2, 0, 0, 0),
    ("monthly_active_recipients", "2026-10-02"): (1, 0, 1, 0, 0, 0, 0, 0, 0),
    ("prevalence_samples", "2026-10-01"): (1, 0, 0, 5, 3, 2, 0, 0, 0),
    ("prevalence_samples", "2026-10-02"): (1, 0, 0, 1, 0, 1, 0, 0, 1),
    ("qa_audits", "2026-10-02"): (2, 0, 0, 4, 1, 2, 1, 0, 2),
    ("reports", "2026-10-01"): (1, 0, 0, 8, 3, 4, 1, 0, 1),
    ("review_events", "2026-10-01"): (1, 0, 0, 6, 3, 3, 0, 0, 0),
    ("review_events", "2026-10-02"): (1, 0, 0, 2, 1, 1, 0, 0, 1),
    ("rule_hits", "2026-10-01"): (1, 0, 0, 4, 2, 2, 0, 0, 0),
}
RECONCILIATION_SQL = (
    "select feed, delivered_dt::varchar, files, empty_files, unreadable_files, raw_records, clean,"
    " quarantined, duplicates, superseded, held from quarantine.rpt_load_reconciliation"
)

# feed -> (file suffix, line) -> reason code
QUARANTINE = {
    "accounts": {
        ("10-01/part-0.jsonl", 4): "malformed_json",
        ("10-01/part-0.jsonl", 5): "unknown_enum_value",
        ("10-01/part-0.jsonl", 6): "missing_required_field",
        ("10-01/part-0.jsonl", 8): "invalid_encoding",
        ("10-02/part-0.jsonl", 1): "conflicting_duplicate",
        ("10-02/part-0.jsonl", 2): "unparsable_timestamp",
        ("10-02/part-0.jsonl", 3): "impossible_timestamp",
    },
    "content": {
        ("10-01/part-0.jsonl.gz", 3): "unknown_reference",
        ("10-01/part-0.jsonl.gz", 4): "unknown_enum_value",
        ("10-02/part-0.jsonl", 2): "conflicting_duplicate",
    },
    "impressions": {
        ("10-01/part-0.parquet", 3): "negative_count",
        ("10-01/part-0.parquet", 4): "unknown_reference",
        ("10-01/part-0.parquet", 7): "unknown_enum_value",
        ("10-02/part-0.parquet", 2): "missing_required_field",
    },
    "reports": {
        ("10-01/part-0.jsonl", 3): "unknown_reference",
        ("10-01/part-0.jsonl", 6): "missing_required_field",
        ("10-01/part-0.jsonl", 7): "impossible_timestamp",
        ("10-01/part-0.jsonl", 8): "malformed_json",
    },
    "review_events": {
        ("10-01/part-0.jsonl", 4): "negative_count",
        ("10-01/part-0.jsonl", 5): "unknown_enum_value",
        ("10-01/part-0.jsonl", 6): "conflicting_duplicate",
        ("10-02/part-0.jsonl", 1): "unknown_reference",  # e6: unseeded policy
    },
    "enforcement_actions": {
        ("10-01/part-0.jsonl", 3): "unknown_reference",
        ("10-01/part-0.jsonl", 4): "unknown_enum_value",
        ("10-02/part-0.jsonl", 1): "unknown_reference",  # x5: unseeded policy
        ("10-02/part-0.jsonl", 3): "conflicting_duplicate",  # x2 again, another policy
    },
    "appeals": {("10-02/part-0.jsonl", 2): "unknown_reference"},
    "rule_hits": {("10-01/part-0.jsonl", 3): "out_of_range", ("10-01/part-0.jsonl", 4): "unknown_enum_value"},
    "prevalence_samples": {
        ("10-01/part-0.jsonl", 3): "violating_without_policy",
        ("10-01/part-0.jsonl", 4): "out_of_range",
        ("10-02/part-0.jsonl", 1): "unknown_reference",  # s6: unseeded policy
    },
    "qa_audits": {
        ("10-02/part-0.jsonl", 2): "unknown_reference",
        ("10-02/part-1.jsonl", 1): "unknown_reference",  # q3: unseeded gold policy
    },
    "moderators": {("10-01/part-0.csv", 3): "unknown_enum_value"},
    "monthly_active_recipients": {
        ("10-01/part-0.csv", 2): "negative_count",
        ("10-01/part-0.csv", 3): "invalid_type",
    },
}

CLEAN_IDS = {
    "stg_platform__content": ("content_id", ["c1", "c2", "c5"]),
    "stg_platform__reports": ("report_id", ["r1", "r2", "r4"]),
    "stg_platform__review_events": ("event_id", ["e1", "e2", "e3", "e7"]),
    "stg_platform__enforcement_actions": ("action_id", ["x1", "x2", "x6"]),
    "stg_platform__appeals": ("appeal_id", ["ap1", "ap3"]),
    "stg_platform__rule_hits": ("hit_id", ["h1", "h2"]),
    "stg_platform__prevalence_samples": ("sample_id", ["s1", "s2", "s5"]),
    "stg_platform__qa_audits": ("audit_id", ["q1"]),
}


def write_unseeded_policies(landing: Path) -> None:
    spec = importlib.util.spec_from_file_location("landing_mini", LANDING_MINI_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (module.UNSEEDED_POLICY, module.UNSEEDED_GOLD_POLICY) == (UNSEEDED_POLICY, UNSEEDED_GOLD_POLICY)
    module.write_unseeded_policies(landing)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("mini")
    write_unseeded_policies(write_landing_mini(data_dir))
    return build_warehouse(data_dir, select=SELECT)


def test_reconciliation_by_feed_and_delivery_day(warehouse: Path) -> None:
    rows = query(warehouse, RECONCILIATION_SQL)
    assert {(r[0], r[1]): tuple(r[2:]) for r in rows} == RECONCILIATION
    for values in RECONCILIATION.values():  # the hand counts themselves add up
        assert values[3] == sum(values[4:8])
        assert values[8] <= values[5]  # held records are part of the quarantined ones


def test_every_rejected_record_has_its_one_reason(warehouse: Path) -> None:
    for feed, expected in QUARANTINE.items():
        rows = query(
            warehouse,
            f"select _source_file, _line_no, feed, reason_code, reason_detail, raw_record"
            f" from quarantine.qrt_platform__records where _source_file like '{feed}/%'",
        )
        got = {(r[0].split("dt=2026-")[1], r[1]): r[3] for r in rows}
        assert got == expected, feed
        assert all(r[2] == feed and r[4] and r[5] for r in rows), feed


def test_reason_details_name_the_field(warehouse: Path) -> None:
    details = dict(
        query(
            warehouse,
            "select reason_code, reason_detail from quarantine.qrt_platform__records"
            " where _source_file like 'accounts/%'",
        )
    )
    assert details["missing_required_field"] == "country"
    assert details["unparsable_timestamp"] == "created_at=yesterday"
    assert details["impossible_timestamp"] == "created_at=2026-02-30T00:00:00Z"
    assert details["conflicting_duplicate"].endswith("accounts/dt=2026-10-01/part-0.jsonl:2")


def test_unreadable_files_are_quarantined_as_files(warehouse: Path) -> None:
    rows = query(warehouse, "select source_file, feed, reason_code from quarantine.qrt_files order by 1")
    assert rows == [
        ("content/dt=2026-10-02/part-1.jsonl.gz", "content", "truncated_gzip"),
        ("impressions/dt=2026-10-02/part-1.parquet", "impressions", "not_parquet"),
        ("monthly_active_recipients/dt=2026-10-02/part-0.csv", "monthly_active_recipients", "unreadable_csv"),
    ]


def test_clean_rows(warehouse: Path) -> None:
    for model, (key, ids) in CLEAN_IDS.items():
        assert [r[0] for r in query(warehouse, f"select {key} from staging.{model} order by 1")] == ids, model
    assert query(warehouse, "select count(*) from staging.stg_platform__accounts") == [(4,)]
    assert query(warehouse, "select count(*) from staging.stg_platform__moderators") == [(2,)]


def test_timestamps_are_normalised_to_utc(warehouse: Path) -> None:
    # a2 was sent as 2026-09-02T10:00:00+02:00; r4 as 14:00+02:00; impressions of c5 as 11:00+02:00
    created = query(warehouse, "select created_at::varchar from staging.stg_platform__accounts order by 1")
    assert created == [("2026-09-01 00:00:00",)] * 3 + [("2026-09-02 08:00:00",)]
    assert query(
        warehouse, "select received_at::varchar from staging.stg_platform__reports where report_id = 'r4'"
    ) == [("2026-09-30 12:00:00",)]
    assert query(
        warehouse,
        "select hour_ts::varchar, date_day::varchar from staging.stg_platform__impressions where content_id = 'c5'",
    ) == [("2026-09-30 09:00:00", "2026-09-30")]


def test_restatements_and_versions(warehouse: Path) -> None:
    # impressions: the later delivery (120) replaces the first (100)
    assert query(
        warehouse,
        "select impressions, _delivered_dt::varchar from staging.stg_platform__impressions"
        " where content_id = 'c1'",
    ) == [(120, "2026-10-02")]
    # content: the newest updated_at wins; the conflicting c2 loses to the first delivery
    rows = dict(query(warehouse, "select content_id, title from staging.stg_platform__content"))
    assert rows == {"c1": "renamed", "c2": "title c2", "c5": "title c5"}
    assert query(
        warehouse, "select link_domains from staging.stg_platform__content where content_id = 'c1'"
    ) == [(["spam.example"],)]
    # moderators: the restated roster row of m1 (active_to set) wins
    assert query(
        warehouse, "select active_to::varchar, languages from staging.stg_platform__moderators order by 1"
    ) == [("2026-10-01", ["en", "de"]), (None, ["en"])]
    # the conflicting review decision loses to the first delivered one
    assert query(
        warehouse, "select decision from staging.stg_platform__review_events where event_id = 'e2'"
    ) == [("violating",)]


def test_personal_data_is_pseudonymised(warehouse: Path) -> None:
    columns = {
        (t, c)
        for t, c in query(
            warehouse,
            "select table_name, column_name from information_schema.columns where table_schema = 'staging'",
        )
    }
    names = {c for _, c in columns}
    for banned in (
        "account_id",
        "owner_account_id",
        "reporter_id",
        "reporter_email",
        "email",
        "signup_ip",
        "reviewer_id",
        "labeler_id",
        "auditor_id",
        "free_text",
    ):
        assert banned not in names, banned
    keys = query(warehouse, "select account_key from staging.stg_platform__accounts")
    assert all(k.startswith("p_") and len(k) == 22 for (k,) in keys)
    # an account target is pseudonymised in place and joins account_key; content targets stay as they are
    joined = query(
        warehouse,
        "select r.report_id from staging.stg_platform__reports as r"
        " join staging.stg_platform__accounts as a on r.target_id = a.account_key",
    )
    assert joined == [("r2",)]
    assert query(warehouse, "select target_id from staging.stg_platform__reports where report_id = 'r1'") == [
        ("c1",)
    ]
    assert query(warehouse, "select has_free_text from staging.stg_platform__reports order by report_id") == [
        (True,),
        (False,),
        (False,),
    ]
    owner = query(
        warehouse,
        "select count(*) from staging.stg_platform__content as c"
        " join staging.stg_platform__accounts as a on c.owner_account_key = a.account_key",
    )
    assert owner == [(3,)]


def test_schema_drift_is_recorded(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select _line_no, _extra_fields from staging.base_platform__accounts where _extra_fields is not null",
    ) == [(3, ["favourite_colour"])]
    assert query(
        warehouse,
        "select distinct _extra_fields from staging.base_platform__impressions where _delivered_dt = '2026-10-01'",
    ) == [(["experiment"],)]
    assert query(
        warehouse,
        "select feed, field_name, delivered_dt::varchar, records, files"
        " from quarantine.rpt_schema_drift order by 1",
    ) == [
        ("accounts", "favourite_colour", "2026-10-01", 1, 1),
        ("impressions", "experiment", "2026-10-01", 7, 1),
        ("moderators", "shift", "2026-10-01", 3, 1),
    ]


def test_rebuild_is_identical(warehouse: Path) -> None:
    data_dir = warehouse.parent
    sql = "select * from quarantine.rpt_load_reconciliation order by 1, 2"
    before = query(warehouse, sql)
    stg_before = query(warehouse, "select * from staging.stg_platform__impressions order by all")
    build_warehouse(data_dir, select=SELECT)
    assert query(warehouse, sql) == before
    assert query(warehouse, "select * from staging.stg_platform__impressions order by all") == stg_before


def test_reconciliation_test_fails_when_a_record_goes_missing(warehouse: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(warehouse.parent, data_dir, ignore=shutil.ignore_patterns("dbt-target", "dbt-logs"))
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    con.execute("delete from staging.base_platform__reports where _line_no = 5")
    con.execute("delete from quarantine.rpt_load_reconciliation")
    con.close()
    run_dbt_isolated(data_dir, ["run", "--select", "rpt_load_reconciliation"])
    result = run_dbt_isolated(data_dir, ["test", "--select", "rpt_load_reconciliation"], check=False)
    assert result.returncode != 0
    assert "reconciles_with_raw" in result.stdout


# --- policy codes are references to the policies seed -------------------------------------------

# feed -> (file suffix, line, detail) of the records held for a policy code the seed lacks
HELD_FOR_POLICY = {
    "enforcement_actions": [("10-02/part-0.jsonl", 1, f"policy_code={UNSEEDED_POLICY}")],
    "review_events": [("10-02/part-0.jsonl", 1, f"policy_code={UNSEEDED_POLICY}")],
    "prevalence_samples": [("10-02/part-0.jsonl", 1, f"policy_code={UNSEEDED_POLICY}")],
    "qa_audits": [("10-02/part-1.jsonl", 1, f"gold_policy_code={UNSEEDED_GOLD_POLICY}")],
}
POLICY_CHECK = "assert_policy_codes_are_seeded"


def _held_for_policy(warehouse: Path) -> dict[str, list[tuple[str, int, str]]]:
    held = {}
    for feed in HELD_FOR_POLICY:
        rows = query(
            warehouse,
            "select _source_file, _line_no, reason_detail from quarantine.qrt_platform__records"
            f" where _source_file like '{feed}/%' and reason_code = 'unknown_reference' and reason_detail like '%policy_code=%' order by 1, 2",
        )
        held[feed] = [(file.split("dt=2026-")[1], line, detail) for file, line, detail in rows]
    return held


def _policy_check(data_dir: Path) -> str:
    result = run_dbt_isolated(data_dir, ["test", "--select", POLICY_CHECK], check=False)
    assert result.returncode == 0, result.stdout  # severity warn: held records never fail the build
    return result.stdout


def test_unseeded_policy_codes_are_held_not_counted(warehouse: Path) -> None:
    assert _held_for_policy(warehouse) == HELD_FOR_POLICY
    # a null code where the contract allows one is no reference: e7 (enqueued) and s2 / s5 are clean
    assert query(
        warehouse,
        "select count(*) from staging.stg_platform__review_events where event_id = 'e7' and policy_code is null",
    ) == [(1,)]
    # nothing in staging carries a code the seed does not have
    for model, column in (
        ("enforcement_actions", "policy_code"),
        ("review_events", "policy_code"),
        ("prevalence_samples", "policy_code"),
        ("qa_audits", "gold_policy_code"),
    ):
        assert query(
            warehouse,
            f"select count(*) from staging.stg_platform__{model} where {column} is not null"
            f" and {column} not in (select policy_code from reference.policies)",
        ) == [(0,)], model


def test_policy_check_names_the_missing_codes(warehouse: Path) -> None:
    out = _policy_check(warehouse.parent)
    assert f"WARN 2 {POLICY_CHECK}" in out
    assert (
        f"Policy codes not in the policies seed (seed them to admit their records): "
        f"{UNSEEDED_GOLD_POLICY} (1 held: qa_audits.gold_policy_code 1); "
        f"{UNSEEDED_POLICY} (3 held: enforcement_actions.policy_code 1, prevalence_samples.policy_code 1,"
        f" review_events.policy_code 1)"
    ) in out


def test_seeding_a_code_admits_its_held_records(warehouse: Path, tmp_path: Path) -> None:
    """The code is seeded (its row added to reference.policies, as `dbt seed` would after a line is
    added to seeds/policies.csv), then staging runs with no new file: its held records are clean."""
    data_dir = tmp_path / "data"
    shutil.copytree(warehouse.parent, data_dir, ignore=shutil.ignore_patterns("dbt-target", "dbt-logs"))
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    con.execute(
        "insert into reference.policies select ?, 'Voice cloning', 'spam', true, false,"
        " 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', 'KEYWORD_OTHER', 'Voice cloning', 'terms'",
        [UNSEEDED_POLICY],
    )
    con.close()
    run_dbt_isolated(data_dir, ["run", "--quiet", "--select", *STAGING])
    seeded = data_dir / "warehouse.duckdb"

    admitted = {  # x5, e6 and s6 move from quarantined (held) to clean; q3's code is still unseeded
        ("enforcement_actions", "2026-10-02"): (1, 0, 0, 3, 2, 1, 0, 0, 0),
        ("prevalence_samples", "2026-10-02"): (1, 0, 0, 1, 1, 0, 0, 0, 0),
        ("review_events", "2026-10-02"): (1, 0, 0, 2, 2, 0, 0, 0, 0),
    }
    rows = query(seeded, RECONCILIATION_SQL)
    assert {(r[0], r[1]): tuple(r[2:]) for r in rows} == {**RECONCILIATION, **admitted}
    assert _held_for_policy(seeded) == {
        **{feed: [] for feed in HELD_FOR_POLICY},
        "qa_audits": HELD_FOR_POLICY["qa_audits"],
    }
    clean = {
        "stg_platform__enforcement_actions": ("action_id", ["x1", "x2", "x5", "x6"]),
        "stg_platform__review_events": ("event_id", ["e1", "e2", "e3", "e6", "e7"]),
        "stg_platform__prevalence_samples": ("sample_id", ["s1", "s2", "s5", "s6"]),
        "stg_platform__qa_audits": ("audit_id", ["q1"]),
    }
    for model, (key, ids) in clean.items():
        assert [r[0] for r in query(seeded, f"select {key} from staging.{model} order by 1")] == ids, model
    assert query(
        seeded, "select policy_code from staging.stg_platform__enforcement_actions where action_id = 'x5'"
    ) == [(UNSEEDED_POLICY,)]

    out = _policy_check(data_dir)
    assert f"WARN 1 {POLICY_CHECK}" in out
    assert f": {UNSEEDED_GOLD_POLICY} (1 held: qa_audits.gold_policy_code 1)\n" in out.replace("\r", "")
    assert UNSEEDED_POLICY not in out


# --- scheduled runs test their window (macro get_where_subquery) ------------------------------


UNIQUE_TEST = "unique_combination_of_columns_stg_platform__impressions_hour_ts__content_id__surface__country"
NOT_NULL_TEST = "not_null_stg_platform__impressions_surface"


def _failing(data_dir: Path, window: tuple[str, str] | None, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The tests of the two that fail, run with the scheduled runs' window (in the environment)."""
    for name, day in zip(["INTEGRITY_WINDOW_START", "INTEGRITY_WINDOW_END"], window or ["", ""], strict=True):
        monkeypatch.setenv(name, day)
    result = run_dbt_isolated(data_dir, ["test", "--select", UNIQUE_TEST, NOT_NULL_TEST], check=False)
    return {
        name
        for name in (UNIQUE_TEST, NOT_NULL_TEST)
        if f"FAIL 1 {name}" in result.stdout.replace("\x1b[31m", "")
    }


def test_scheduled_runs_test_their_window_and_keys_against_the_table(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key test in a windowed run checks the window's keys against the whole table; a row test
    reads only the window. A clean row of 10-01 is copied as a row delivered 10-02 (same key) and
    a null surface is planted in another 10-01 row: the unwindowed run finds both, a 10-02 run
    finds the duplicate only (its key is also an older row's), a 10-01 run both, a 10-03 run
    neither."""
    data_dir = tmp_path / "data"
    shutil.copytree(warehouse.parent, data_dir, ignore=shutil.ignore_patterns("dbt-target", "dbt-logs"))
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    clean_1001 = "_record_status = 'clean' and _delivered_dt = date '2026-10-01'"
    rows = con.execute(
        f"select _line_no from staging.base_platform__impressions where {clean_1001} order by 1"
    ).fetchall()
    assert len(rows) == 2
    con.execute(
        "insert into staging.base_platform__impressions"
        " select * replace (date '2026-10-02' as _delivered_dt, _line_no + 1000 as _line_no)"
        f" from staging.base_platform__impressions where {clean_1001} and _line_no = {rows[0][0]}"
    )
    con.execute(
        f"update staging.base_platform__impressions set surface = null where {clean_1001} and _line_no = {rows[1][0]}"
    )
    con.close()
    assert _failing(data_dir, None, monkeypatch) == {UNIQUE_TEST, NOT_NULL_TEST}
    assert _failing(data_dir, ("2026-10-02", "2026-10-03"), monkeypatch) == {UNIQUE_TEST}
    assert _failing(data_dir, ("2026-10-01", "2026-10-02"), monkeypatch) == {UNIQUE_TEST, NOT_NULL_TEST}
    assert _failing(data_dir, ("2026-10-03", "2026-10-04"), monkeypatch) == set()


def test_impression_counts_delivered_as_text_are_parsed_and_checked(warehouse: Path, tmp_path: Path) -> None:
    """A platform that exports its counts as strings: the loader keeps them in `<field>__text`, and
    staging casts them and checks the typed values like any other delivery. Worked out by hand:
    "42" is a count, " 7 " too (trimmed), "x" does not cast (invalid_type), "-4" casts and is
    negative (negative_count), a text streams "3" is kept, and a text count equal to a typed one
    delivered earlier for the same key is the same record (duplicate): the parsed values, not the
    delivered types, are the record's identity."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data_dir = tmp_path / "data"
    shutil.copytree(warehouse.parent, data_dir, ignore=shutil.ignore_patterns("dbt-target", "dbt-logs"))
    text_counts = pa.table({
        "hour_ts": pa.array([datetime(2026, 10, 1, h, tzinfo=UTC) for h in (1, 2, 3, 4)]
                            + [datetime(2026, 9, 30, 8, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "content_id": ["c1", "c1", "c1", "c1", "c2"],
        "surface": ["home"] * 5,
        "country": ["DE"] * 5,
        "impressions": ["42", " 7 ", "x", "-4", "50"],
        "streams": ["3", None, "1", "0", "2"],
    })
    path = data_dir / "landing" / "impressions" / "dt=2026-10-02" / "part-2.parquet"
    pq.write_table(text_counts, path)
    # the fifth row's key is delivered nowhere else: a typed twin in a later file of the same day
    twin = pa.table({
        "hour_ts": pa.array([datetime(2026, 9, 30, 8, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "content_id": ["c2"], "surface": ["home"], "country": ["DE"],
        "impressions": pa.array([50], pa.int64()), "streams": pa.array([2], pa.int64()),
    })
    pq.write_table(twin, data_dir / "landing" / "impressions" / "dt=2026-10-02" / "part-3.parquet")
    built = build_warehouse(data_dir, select=SELECT)
    rows = query(
        built,
        "select regexp_extract(_source_file, 'part-[0-9]+'), _line_no, _record_status, _reason_code, _reason_detail,"
        " impressions, streams from staging.base_platform__impressions"
        " where _source_file like '%dt=2026-10-02/part-2%' or _source_file like '%dt=2026-10-02/part-3%'"
        " order by 1, 2",
    )
    assert rows == [
        ("part-2", 1, "clean", None, None, 42, 3),
        ("part-2", 2, "clean", None, None, 7, None),
        ("part-2", 3, "quarantined", "invalid_type", "impressions=x", None, 1),
        ("part-2", 4, "quarantined", "negative_count", "impressions=-4", -4, 0),
        ("part-2", 5, "clean", None, None, 50, 2),
        ("part-3", 1, "duplicate", None, None, 50, 2),
    ]
    # the raw zone kept the delivered text as text (nothing coerced on load), and staging counted
    # the day's records exactly: raw = clean + quarantined + duplicates + superseded
    raw_file = query(
        built,
        f"select raw_file from read_parquet('{data_dir}/raw/ledger.parquet') "
        "where path like '%dt=2026-10-02/part-2.parquet'",
    )[0][0]
    con = duckdb.connect()
    kept = con.execute(
        "select impressions, impressions__text from read_parquet(?) order by _line_no",
        [str(data_dir / "raw" / raw_file)],
    ).fetchall()
    con.close()
    assert kept == [(None, "42"), (None, " 7 "), (None, "x"), (None, "-4"), (None, "50")]
    # day 2 had 2 records in 2 files (1 clean, 1 quarantined); now 4 files: +6 records, 3 clean,
    # 2 quarantined, 1 duplicate
    assert query(
        built,
        "select files, raw_records, clean, quarantined, duplicates, superseded"
        " from quarantine.rpt_load_reconciliation"
        " where feed = 'impressions' and delivered_dt = date '2026-10-02'",
    ) == [(4, 2 + 6, 1 + 3, 1 + 2, 1, 0)]
