"""Run Data to Insight's validators on SSDA903 CSVs or a CIN census XML; print JSON.

Runs under a throwaway virtualenv holding `csc-validator-be-903` / `csc-validator-be-cin`
(never Lantern's): bench/ingest.py calls it as

    /tmp/d2ienv/bin/python bench/d2i_validate.py 903 <folder> <collection year>
    /tmp/d2ienv/bin/python bench/d2i_validate.py cin <file.xml> <collection year>

and reads one JSON object from the last line of stdout: seconds (read, rules, total),
rules run / failed to run, and per rule code the number of distinct failing rows
(903: rows flagged `ERR_<code>` over every table; CIN: distinct (table, row) issue
locations, a return-level rule counting 1).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import sys
import time
from pathlib import Path

LA_903 = "E06000027"  # Torbay (LA 880), the synthetic authority's long code


def run_903(folder: Path, year: int) -> dict:
    from lac_validator.ingress import read_from_text
    from lac_validator.lac_validator import LacValidator

    ruleset = f"lac{year - 1}_{str(year)[2:]}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    t0 = time.perf_counter()
    files = [dict(name=p.name, description="This year", file_content=p.read_bytes())
             for p in sorted(folder.glob("*.csv")) if "rule_info" not in p.name]
    read_from_text(raw_files=list(files))  # timed alone: what reading costs
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    v = LacValidator(metadata={"collectionYear": str(year), "localAuthority": LA_903},
                     files=files, registry=registry)
    total = time.perf_counter() - t1
    counts: dict[str, int] = {}
    for name, df in v.ds_results.items():
        if name == "metadata":
            continue
        for col in df.columns:
            if str(col).startswith("ERR_"):
                n = int(df[col].fillna(False).astype(bool).sum())
                if n:
                    counts[col[4:]] = counts.get(col[4:], 0) + n
    rows = sum(len(df) for k, df in v.dfs.items() if k != "metadata")
    return {"ruleset": ruleset, "rows": rows, "read_seconds": t_read,
            "seconds": total, "rules": len(registry), "failed_to_run": sorted(v.fails),
            "counts": counts}


def run_cin(path: Path, year: int) -> dict:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator

    ruleset = f"cin{year - 1}_{str(year)[2:]}"
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    t0 = time.perf_counter()
    root = ET.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    t_read = time.perf_counter() - t0
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # a rule that crashes is printed, not raised
        v = cin_validator.CinValidator(data, registry)
    total = time.perf_counter() - t0
    failed = sorted({line.split()[3].rstrip(":") for line in printed.getvalue().splitlines()
                     if line.startswith("Error with rule")})
    counts: dict[str, int] = {}
    df = v.full_issue_df
    if len(df):
        located = df.drop_duplicates(["rule_code", "tables_affected", "row_id"])
        for code, n in located.groupby("rule_code").size().items():
            counts[str(code)] = int(n)
    la = v.la_rule_issues
    if len(la) and "rule_code" in la:
        for code in la["rule_code"].dropna().unique():
            counts[str(code)] = counts.get(str(code), 0) + 1
    rows = sum(len(t) for t in data.values())
    return {"ruleset": ruleset, "rows": rows, "read_seconds": t_read,
            "seconds": total, "rules": len(registry), "failed_to_run": failed,
            "counts": counts}


def main() -> None:
    logging.disable(logging.CRITICAL)  # lac_validator logs every rule at INFO
    kind, path, year = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    out = run_903(path, year) if kind == "903" else run_cin(path, year)
    with open("/proc/self/status") as fh:  # peak RSS of this process image, in KB
        out["peak_kb"] = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
