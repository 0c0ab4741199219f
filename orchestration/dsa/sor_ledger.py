"""The puid ledger: one statement identifier per enforcement action, for ever.

The DSA Transparency Database rejects a repeated `puid`, and a platform must never send two
statements for one action. The ledger (SQLite under `<data>/state/`) records every puid minted,
the decision day it belongs to and the batch file it went out in. Re-running an export finds the
action's puid here instead of minting another; only statements not yet batched go into new
batch files.

A puid is `sor-` + the first 32 hex digits of SHA-256 of the action id: no internal id in the
clear, and the same answer even if the ledger had to be rebuilt.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

LEDGER_NAME = "sor_puid_ledger.sqlite"


def mint_puid(action_id: str, prefix: str = "sor") -> str:
    return f"{prefix}-{hashlib.sha256(action_id.encode('utf-8')).hexdigest()[:32]}"


class PuidLedger:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._conn.execute("pragma journal_mode=wal")
        self._conn.execute(
            """
            create table if not exists puids (
                action_id text primary key,
                puid text not null unique,
                decision_date text not null,
                minted_at text not null,
                batch_file text,
                batched_at text
            )
            """
        )

    @classmethod
    def for_state_dir(cls, state_dir: Path) -> PuidLedger:
        return cls(state_dir / LEDGER_NAME)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PuidLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def puids_for(self, action_ids: Iterable[str], decision_date: str) -> tuple[dict[str, str], int]:
        """The puid of each action, minting (and recording) the missing ones; returns (map, minted)."""
        ids = list(dict.fromkeys(action_ids))
        known = self.known(ids)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        minted = 0
        self._conn.execute("begin immediate")
        try:
            for action_id in ids:
                if action_id in known:
                    continue
                puid = mint_puid(action_id)
                self._conn.execute(
                    "insert into puids (action_id, puid, decision_date, minted_at) values (?, ?, ?, ?)",
                    (action_id, puid, decision_date, now),
                )
                known[action_id] = puid
                minted += 1
            self._conn.execute("commit")
        except Exception:
            self._conn.execute("rollback")
            raise
        return known, minted

    def known(self, action_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(action_ids), 500):
            chunk = action_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for action_id, puid in self._conn.execute(
                f"select action_id, puid from puids where action_id in ({marks})", chunk
            ):
                out[action_id] = puid
        return out

    def batched(self, puids: list[str]) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(puids), 500):
            chunk = puids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                row[0]
                for row in self._conn.execute(
                    f"select puid from puids where batch_file is not null and puid in ({marks})", chunk
                )
            )
        return out

    def mark_batched(self, puids: list[str], batch_file: str) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self._conn.executemany(
            "update puids set batch_file = ?, batched_at = ? where puid = ? and batch_file is null",
            [(batch_file, now, p) for p in puids],
        )

    def count(self) -> int:
        return self._conn.execute("select count(*) from puids").fetchone()[0]
