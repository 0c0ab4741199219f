"""`integrity analyze NAME [--out file.csv]`: run an analysis from analyses/ against the warehouse.

The analysis is compiled by dbt (`dbt compile --select NAME`), so it is the same SQL a person reads in
analyses/NAME.sql with its refs resolved, and then run on the *published* copy of the warehouse
(marts + reference, swapped in after a good run) through a short-lived read-only connection. Before
the first publish it falls back to the main warehouse, read-only, and says so.

dbt compiles against a scratch DuckDB file of its own (refs resolve from the manifest, not the
database), so compiling never takes the lock of a warehouse that a build may be writing.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.dbt import run_dbt
from orchestration.errors import UserError
from orchestration.paths import PROJECT_DIR, DataPaths, data_paths

ANALYSES_DIR = PROJECT_DIR / "analyses"
PRINT_LIMIT = 50


@dataclass
class AnalysisResult:
    name: str
    columns: list[str]
    rows: list[tuple]
    database: Path
    is_published: bool
    sql: str


def available_analyses() -> list[str]:
    """Names of the analyses (analyses/**/*.sql), without the extension."""
    return sorted(p.stem for p in ANALYSES_DIR.rglob("*.sql"))


def _analysis_path(name: str) -> Path:
    matches = sorted(ANALYSES_DIR.rglob(f"{name}.sql"))
    if not matches:
        raise UserError(
            f"unknown analysis {name!r}; available: {', '.join(available_analyses()) or '(none)'}"
        )
    return matches[0]


def _scratch_dir(paths: DataPaths) -> Path:
    """Per-data-dir scratch space for dbt compile (kept between runs so dbt can parse partially)."""
    digest = hashlib.sha256(str(paths.root).encode()).hexdigest()[:12]
    scratch = Path(tempfile.gettempdir()) / f"integrity-analyze-{digest}"
    (scratch / "data").mkdir(parents=True, exist_ok=True)
    return scratch


def compile_analyses(
    names: list[str], paths: DataPaths | None = None, dbt_vars: str | None = None
) -> dict[str, str]:
    """Compile analyses/<name>.sql for each name with one dbt call; return name -> SQL.

    `dbt_vars` is a YAML/JSON mapping passed to dbt as --vars (e.g. which candidate rule to backtest).
    """
    paths = paths or data_paths()
    sources = {name: _analysis_path(name) for name in names}
    scratch = _scratch_dir(paths)
    target = scratch / "target"
    run_dbt(
        [
            "compile",
            "--select",
            *names,
            "--target-path",
            str(target),
            "--log-path",
            str(scratch / "logs"),
            "--quiet",
            *(["--vars", dbt_vars] if dbt_vars else []),
        ],
        data_paths(scratch / "data"),
        capture=True,
    )
    compiled: dict[str, str] = {}
    for name, source in sources.items():
        path = target / "compiled" / "integrity" / source.relative_to(PROJECT_DIR)
        if not path.exists():
            raise UserError(f"dbt compiled {name!r} but {path} is missing")
        compiled[name] = path.read_text(encoding="utf-8")
    return compiled


def compile_analysis(name: str, paths: DataPaths | None = None, dbt_vars: str | None = None) -> str:
    """Compile analyses/<name>.sql with dbt and return the SQL."""
    return compile_analyses([name], paths, dbt_vars)[name]


def _database(paths: DataPaths) -> tuple[Path, bool]:
    if paths.published.exists():
        return paths.published, True
    if paths.warehouse.exists():
        return paths.warehouse, False
    raise UserError(
        f"no warehouse under {paths.root} (neither {paths.published} nor {paths.warehouse}); "
        "run `integrity build` or `integrity run` first. "
        f"Available analyses: {', '.join(available_analyses())}"
    )


def run_analysis(
    name: str, paths: DataPaths | None = None, *, sql: str | None = None, dbt_vars: str | None = None
) -> AnalysisResult:
    """Compile (unless `sql` is given, already compiled) and run one analysis; return its rows."""
    paths = paths or data_paths()
    _analysis_path(name)
    database, is_published = _database(paths)
    if sql is None:
        sql = compile_analysis(name, paths, dbt_vars)
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot open {database} read-only: {exc}") from exc
    try:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise UserError(f"analysis {name!r} failed on {database}: {exc}") from exc
    finally:
        con.close()
    return AnalysisResult(name, columns, rows, database, is_published, sql)


def write_csv(result: AnalysisResult, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(result.columns)
        writer.writerows(result.rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_table(columns: list[str], rows: list[tuple], limit: int = PRINT_LIMIT) -> str:
    shown = [[_cell(v) for v in row] for row in rows[:limit]]
    widths = [max([len(c), *(len(r[i]) for r in shown)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in shown]
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more rows (use --out to get them all)")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="analysis name (a file in analyses/, without .sql)")
    parser.add_argument("--out", type=Path, help="write the full result to this CSV file")
    parser.add_argument("--list", action="store_true", help="list the analyses and exit")
    parser.add_argument("--limit", type=int, default=PRINT_LIMIT, help="rows to print (default 50)")
    parser.add_argument(
        "--vars",
        dest="dbt_vars",
        help="dbt vars for the analysis, e.g. '{backtest_rule: rule_keyword_stuffed_title}'",
    )


def run(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        names = available_analyses()
        if not args.list and not args.name:
            print("usage: integrity analyze NAME [--out file.csv]; available analyses:", file=sys.stderr)
        print("\n".join(names))
        return 0 if args.list else 2
    result = run_analysis(args.name, dbt_vars=getattr(args, "dbt_vars", None))
    where = (
        "published warehouse" if result.is_published else "main warehouse (read-only; nothing published yet)"
    )
    print(f"-- {result.name}: {len(result.rows)} rows from the {where} {result.database}", file=sys.stderr)
    if args.out:
        write_csv(result, args.out)
        print(f"-- wrote {args.out}", file=sys.stderr)
    print(format_table(result.columns, result.rows, args.limit))
    return 0
