"""Dump every indicator's figures for a warehouse, or compare two dumps.

Used to show a refactoring moves no figure: run ``dump`` with the old code and with
the new (``PYTHONPATH=OLD/src``), then ``compare``. The demo warehouse is built as the
test suite's ``demo_home`` fixture builds it (synthetic Torbay, seed 42, 2014-12 to
2024-11) when ``--home`` has none.

    python scripts/compare_figures.py dump --home H --out before.jsonl
    python scripts/compare_figures.py compare before.jsonl after.jsonl
    python scripts/compare_figures.py alerts --home H --on 2024-11-29 --out alerts.jsonl
    python scripts/compare_figures.py compare-alerts before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

MONTHS = 36
LAST = date(2024, 11, 30)


def build_demo(home: Path) -> None:
    import duckdb

    from lantern.synth import load_scenario, simulate
    from lantern.warehouse.meta import write_authority
    from lantern.warehouse.store import insert_dataset

    scenario = load_scenario("torbay")
    data = simulate(scenario, seed=42, start=date(2014, 12, 1), end=LAST)
    home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    insert_dataset(con, data)
    write_authority(con, **scenario.authority())
    con.close()


def dump(home: Path, out: Path, months: int) -> None:
    import duckdb

    from lantern.measures import engine
    from lantern.measures.core import BREAKDOWNS
    from lantern.warehouse.meta import read_authority

    if not (home / "warehouse.duckdb").exists():
        build_demo(home)
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    auth = read_authority(con)
    first = date(LAST.year - (months // 12), LAST.month, 1)
    first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    rows = engine.compute(con, engine.month_range(first, LAST), breakdowns=BREAKDOWNS,
                          population=auth.population, la_code=auth.la_code)
    with out.open("w") as f:
        for r in rows:
            f.write(json.dumps(r.as_dict(), sort_keys=True) + "\n")
    print(f"{len(rows)} figures, {first:%Y-%m} to {LAST:%Y-%m}, written to {out}")


def dump_alerts(home: Path, on: date, out: Path) -> None:
    import duckdb

    from lantern.alerts import run_alerts

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    items = run_alerts(con, on)
    with out.open("w") as f:
        for i in items:
            f.write(json.dumps(i.as_dict(), sort_keys=True) + "\n")
    print(f"{len(items)} alert items on {on}, written to {out}")


def compare_alerts(a: Path, b: Path) -> int:
    before = [json.loads(line) for line in a.open()]
    after = [json.loads(line) for line in b.open()]
    key = {(i["rule_id"], i["subject_id"]) for i in before}
    key_after = {(i["rule_id"], i["subject_id"]) for i in after}
    print(f"{len(before)} items before, {len(after)} after; "
          f"{len(key - key_after)} only before, {len(key_after - key)} only after; "
          f"identical: {before == after}")
    return 0 if before == after else 1


def _load(path: Path) -> dict[tuple, dict]:
    out = {}
    for line in path.open():
        r = json.loads(line)
        out[(r["kpi_id"], r["month"], r["period"], r["breakdown"], r["breakdown_value"])] = r
    return out


def compare(a: Path, b: Path) -> int:
    before, after = _load(a), _load(b)
    only_a = sorted(set(before) - set(after))
    only_b = sorted(set(after) - set(before))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    print(f"{len(before)} figures before, {len(after)} after; {len(only_a)} only before, "
          f"{len(only_b)} only after, {len(changed)} changed")
    for k in (only_a + only_b + changed)[:40]:
        print(" ", k, before.get(k), "->", after.get(k))
    return 0 if not (only_a or only_b or changed) else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--home", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--months", type=int, default=MONTHS)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    al = sub.add_parser("alerts")
    al.add_argument("--home", type=Path, required=True)
    al.add_argument("--on", type=date.fromisoformat, required=True)
    al.add_argument("--out", type=Path, required=True)
    ca = sub.add_parser("compare-alerts")
    ca.add_argument("before", type=Path)
    ca.add_argument("after", type=Path)
    args = p.parse_args()
    if args.cmd == "dump":
        dump(args.home, args.out, args.months)
        return 0
    if args.cmd == "alerts":
        dump_alerts(args.home, args.on, args.out)
        return 0
    if args.cmd == "compare-alerts":
        return compare_alerts(args.before, args.after)
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
