"""Benchmark: ingesting a national-size CIN census and SSDA903 return.

Run: .venv/bin/python bench/ingest.py [--copies 149] [--d2i-copies 1,4] [--no-d2i]
     .venv/bin/python bench/ingest.py --samples-only  (the public samples beside D2I)
     .venv/bin/python bench/ingest.py --cin-validate-only --d2i-copies 1  (CIN validation)

1. Simulates the default authority for one year (2023-04 to 2024-03, after the
   simulator's 3-year burn-in), writes its 2024 CIN census XML and SSDA903 set with the
   `lantern.formats` writers, then replicates the written children `--copies` times with
   distinct ids (LAchildID / CHILD prefixed by the copy number) and distinct UPNs
   (the copy number in place of the UPN's first three serial digits) into one CIN XML
   and one SSDA903 set: 149 copies ~ 650,000 referrals and ~85,000 looked-after
   children. Copying the writer's output (rather than simulating a national authority)
   keeps generation to seconds.
2. Times `validate_paths` (read + DfE rules) and `ingest_paths` (read, rules, map,
   merge, load into DuckDB under a fresh LANTERN_HOME) for each, every step in its own
   fresh interpreter, whose peak RSS is its own VmHWM (so the generator's memory
   is not counted). CIN reading alone at 1/4 and full size shows what memory grows with.
3. If /tmp/d2ienv/bin/python exists (a throwaway venv with `csc-validator-be-903` and
   `csc-validator-be-cin`, never the project's), runs Data to Insight's validators on the
   same files (at `--d2i-copies` sizes: they are far slower) and on the public samples
   with deliberate errors, via bench/d2i_validate.py, and compares failing-row counts
   per DfE rule code with Lantern's for the codes both implement.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
D2I_PY = Path("/tmp/d2ienv/bin/python")
SAMPLES = Path("/work/shared/reference/samples")
YEAR = 2024
LA = "880"
ID_OR_UPN = re.compile(r"(<LAchildID>[^<]*</LAchildID>|<(?:Former)?UPN>[^<]*</(?:Former)?UPN>)")


# ------------------------------------------------------------------ files


def build_base(work: Path) -> tuple[Path, Path]:
    """One simulated authority's 2024 CIN census and SSDA903 set, via the writers."""
    from lantern.formats.cin_census import write_cin_census
    from lantern.formats.ssda903 import write_ssda903
    from lantern.synth import load_scenario, simulate

    t0 = time.perf_counter()
    data = simulate(load_scenario("torbay"), seed=42, start=date(2023, 4, 1),
                    end=date(2024, 3, 31))
    t1 = time.perf_counter()
    xml = write_cin_census(data, work / "base" / "cin" / f"CIN_Census_{YEAR}.xml",
                           collection_year=YEAR, la_code=LA, generated=datetime(2024, 5, 1))
    folder = work / "base" / "ssda903" / str(YEAR)
    write_ssda903(data, folder, collection_year=YEAR)
    print(f"simulate default authority 2023-04..2024-03 (+3 y burn-in): {t1 - t0:.1f} s; "
          f"write 2024 CIN XML + SSDA903 set: {time.perf_counter() - t1:.1f} s")
    return xml, folder


class Upns:
    """Distinct, valid UPNs per copy: LA kept, copy number then a serial, check letter
    recomputed (DfE 1510)."""

    def __init__(self) -> None:
        self.serial: dict[str, int] = {}

    def __call__(self, upn: str, copy: int) -> str:
        from lantern.formats.upn import with_check_letter

        if not upn or len(upn) != 13:
            return upn
        n = self.serial.setdefault(upn, len(self.serial))
        return with_check_letter(f"{upn[1:4]}{copy:03d}{n:06d}")


def replicate_cin(base: Path, out: Path, copies: int) -> Path:
    text = base.read_text(encoding="utf-8")
    head, _, rest = text.partition("<Children>")
    body, _, tail = rest.rpartition("</Children>")
    parts = ID_OR_UPN.split(body)
    upns = Upns()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(head + "<Children>")
        for k in range(copies):
            chunk = []
            for i, part in enumerate(parts):
                if i % 2:
                    tag, value = part[1:part.index(">")], part[part.index(">") + 1:part.rindex("<")]
                    value = f"{k:03d}{value}" if tag == "LAchildID" else upns(value, k)
                    part = f"<{tag}>{value}</{tag}>"
                chunk.append(part)
            fh.write("".join(chunk))
        fh.write("</Children>" + tail)
    return out


def replicate_903(base: Path, out: Path, copies: int) -> Path:
    import csv

    out.mkdir(parents=True, exist_ok=True)
    upns = Upns()
    for path in sorted(base.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        child = header.index("CHILD")
        upn = header.index("UPN") if "UPN" in header else None
        with (out / path.name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for k in range(copies):
                for row in body:
                    row = list(row)
                    row[child] = f"{k:03d}{row[child]}"
                    if upn is not None:
                        row[upn] = upns(row[upn], k)
                    w.writerow(row)
    return out


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() \
        else path.stat().st_size


# ------------------------------------------------------------------ one step, own process


def step(kind: str, path: Path, year: int | None, home: Path) -> dict:
    """Run in a fresh interpreter; returns what the parent prints."""
    from lantern.config import Settings
    from lantern.ingest.pipeline import ingest_paths, validate_paths
    from lantern.ingest.rules import RULES, validate

    rss0 = vm("VmRSS")
    settings = Settings(home=home)
    raw: list = []

    def check(tables, part="all", tallies=None):  # the catalogue's findings, before de-duplication
        got = validate(tables, part, tallies)
        raw.extend(got)
        return got

    t0 = time.perf_counter()
    out: dict = {"imports_kb": rss0}
    if kind == "read":
        from lantern.ingest.readers.cin import iter_cin

        out["rows"] = sum(len(t) for chunk in iter_cin(path) for t in chunk.tables
                          if t.name != "Header")
    elif kind == "validate":
        v = validate_paths([path], year=year, settings=settings, check=check, write=False)
        out.update(rows=v.rows_read(), errors=v.errors, warnings=v.warnings,
                   by_rule=v.counts_by_rule())
    else:
        o = ingest_paths([path], settings=settings, year=year, accept_warnings=True,
                         check=check)
        out.update(rows=o.validation.rows_read(), loaded=o.loaded, errors=o.validation.errors,
                   rows_loaded=sum(o.row_counts.values()), by_rule=o.validation.counts_by_rule())
    out["seconds"] = time.perf_counter() - t0
    located: dict[str, set] = {}
    for p in raw:
        code = RULES[p.rule_id].dfe_code if p.rule_id in RULES else None
        if code:
            located.setdefault(code, set()).add((p.file, p.locator))
    out["dfe_rows"] = {c: len(s) for c, s in located.items()}
    out["peak_kb"] = vm("VmHWM")
    return out


def vm(field: str) -> int:
    """This process's VmRSS / VmHWM (peak RSS) in KB. The high-water mark belongs to the
    process image, so unlike getrusage's ru_maxrss it does not include the memory of the
    parent that forked it before exec."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(kind: str, path: Path, year: int | None, home: Path) -> dict:
    """`step` in a child interpreter: its JSON, with its own peak RSS (VmHWM)."""
    with tempfile.TemporaryFile("w+") as fh:
        p = subprocess.Popen([sys.executable, __file__, "--step", kind, str(path),
                              str(year or 0), str(home)], stdout=fh)
        p.wait()
        fh.seek(0)
        lines = fh.read().strip().splitlines()
    if p.returncode != 0 or not lines:
        raise SystemExit(f"{kind} {path} failed (exit {p.returncode})")
    return json.loads(lines[-1])


def d2i(kind: str, path: Path, year: int) -> dict | None:
    if not D2I_PY.exists():
        return None
    with tempfile.TemporaryFile("w+") as fh:
        p = subprocess.Popen([str(D2I_PY), "-W", "ignore", str(BENCH / "d2i_validate.py"),
                              kind, str(path), str(year)], stdout=fh, stderr=subprocess.DEVNULL)
        p.wait()
        fh.seek(0)
        lines = fh.read().strip().splitlines()
    if p.returncode != 0 or not lines:
        print(f"  D2I {kind} on {path} failed (exit {p.returncode})")
        return None
    return json.loads(lines[-1])


# ------------------------------------------------------------------ reporting


def mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def show(label: str, r: dict) -> None:
    extra = f", {r['rows_loaded']:,} rows loaded" if "rows_loaded" in r else ""
    problems = f", {r.get('errors', 0)} errors" if "errors" in r else ""
    print(f"  {label:<46} {r['seconds']:7.1f} s  {r['rows']:>10,} rows  "
          f"{r['rows'] / r['seconds']:>9,.0f} rows/s  peak RSS {mb(r['peak_kb'])} "
          f"(after imports {mb(r['imports_kb'])}){problems}{extra}")


def norm(code: str, fmt: str) -> str:
    code = code.upper()
    return code[:-1] if fmt == "cin" and code.endswith("Q") else code


def agreement(label: str, fmt: str, lantern: dict, d2i_out: dict, quiet: bool = False) -> None:
    from lantern.ingest.rules import RULES

    ours = {norm(c, fmt): n for c, n in lantern["dfe_rows"].items()}
    theirs = {norm(c, fmt): n for c, n in d2i_out["counts"].items()}
    implemented = {norm(r.dfe_code, fmt) for r in RULES.values()
                   if r.dfe_code and r.format == ("cin" if fmt == "cin" else "ssda903")}
    d2i_failed = {norm(c, fmt) for c in d2i_out["failed_to_run"]}
    both = sorted(implemented - d2i_failed, key=lambda c: (len(c), c))
    fired = [c for c in both if ours.get(c) or theirs.get(c)]
    same = [c for c in both if ours.get(c, 0) == theirs.get(c, 0)]
    print(f"  {label}: {len(implemented)} Lantern DfE codes; {len(same)}/{len(both)} codes give "
          f"the same failing-row count (0 = 0 included); of the {len(fired)} codes that fire "
          f"on either side, {sum(c in same for c in fired)} agree")
    if not quiet:
        for c in fired:
            a, b = ours.get(c, 0), theirs.get(c, 0)
            print(f"    {c:>6}  Lantern {a:>6,}  D2I {b:>6,}  {'same' if a == b else 'DIFFER'}")
    print(f"    D2I-only codes firing (Lantern does not implement): "
          f"{len([c for c in theirs if c not in implemented])}; "
          f"D2I rules that crashed: {d2i_out['failed_to_run'] or 'none'}")


# ------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=149)
    ap.add_argument("--d2i-copies", default="1,4")
    ap.add_argument("--no-d2i", action="store_true")
    ap.add_argument("--samples-only", action="store_true",
                    help="only the public samples, Lantern beside D2I (a minute)")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--cin-validate-only", action="store_true",
                    help="only CIN validation (1/4 and full size; D2I at --d2i-copies)")
    args = ap.parse_args()
    if args.samples_only:
        with tempfile.TemporaryDirectory(prefix="lantern-bench-samples-") as tmp:
            samples(Path(tmp))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="lantern-bench-ingest-"))
    homes = work / "homes"
    try:
        run(args, work, homes)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path, homes: Path) -> None:
    n = args.copies
    base_xml, base_903 = build_base(work)
    files: dict[int, tuple[Path, Path]] = {}

    def make(copies: int) -> tuple[Path, Path]:
        if copies not in files:
            t0 = time.perf_counter()
            xml = replicate_cin(base_xml, work / f"x{copies}" / f"CIN_Census_{YEAR}.xml", copies)
            folder = replicate_903(base_903, work / f"x{copies}" / "ssda903" / str(YEAR), copies)
            files[copies] = (xml, folder)
            text = xml.read_text(encoding="utf-8")
            refs, kids = text.count("<CINdetails>"), text.count("<Child>")
            with (folder / "header.csv").open() as fh:
                cla = sum(1 for _ in fh) - 1
            with (folder / "episodes.csv").open() as fh:
                eps = sum(1 for _ in fh) - 1
            print(f"{copies:>4} copies: CIN XML {size(xml) / 1e6:,.0f} MB ({kids:,} children, "
                  f"{refs:,} referrals); SSDA903 set {size(folder) / 1e6:,.1f} MB "
                  f"({cla:,} looked-after children, {eps:,} episodes); "
                  f"replicated in {time.perf_counter() - t0:.1f} s")
        return files[copies]

    home = iter(range(1000))

    def fresh() -> Path:
        return homes / str(next(home))

    xml, folder = make(n)
    quarter_xml, _ = make(max(1, n // 4))
    print("\nLantern (each step a fresh interpreter; peak RSS of that process):")
    results = {}
    steps = [
        ("CIN read only (streamed), 1/4 size", "read", quarter_xml, None),
        ("CIN read only (streamed), full size", "read", xml, None),
        ("CIN validate (read + rules), 1/4 size", "validate", quarter_xml, None),
        ("CIN validate (read + rules), full size", "validate", xml, None),
        ("CIN ingest (… + map, merge, load), 1/4 size", "ingest", quarter_xml, None),
        ("CIN ingest (… + map, merge, load), full size", "ingest", xml, None),
        ("SSDA903 validate (read + rules)", "validate", folder, YEAR),
        ("SSDA903 ingest (… + map, merge, load)", "ingest", folder, YEAR),
    ]
    if args.cin_validate_only:
        steps = [s for s in steps if s[0].startswith("CIN validate")]
    for label, kind, path, year in steps:
        results[label] = r = measure(kind, path, year, fresh())
        show(label, r)
    for step_name in ("CIN read only (streamed)", "CIN validate (read + rules)",
                      "CIN ingest (… + map, merge, load)"):
        if f"{step_name}, full size" not in results:
            continue
        q, f = results[f"{step_name}, 1/4 size"], results[f"{step_name}, full size"]
        grow = (f["peak_kb"] - q["peak_kb"]) / 1024
        print(f"  {step_name}: peak RSS {mb(q['peak_kb'])} at 1/4 size, {mb(f['peak_kb'])} "
              f"at full size ({f['rows'] / q['rows']:.1f}x the rows): {grow:+,.0f} MB")

    if args.no_d2i or not D2I_PY.exists():
        print("\nD2I comparison skipped (--no-d2i, or no /tmp/d2ienv)")
        return
    print("\nData to Insight validators (separate venv), same synthetic files:")
    for copies in [int(c) for c in args.d2i_copies.split(",") if c]:
        cxml, cfolder = make(copies)
        for fmt, path, year in [("903", cfolder, YEAR), ("cin", cxml, None)]:
            if args.cin_validate_only and fmt != "cin":
                continue
            ours = measure("validate", path, year, fresh())
            theirs = d2i(fmt, path, YEAR)
            if theirs is None:
                continue
            print(f"  {copies}x {fmt}: D2I {theirs['seconds']:.1f} s (of which reading "
                  f"{theirs['read_seconds']:.1f} s), {theirs['rules']} rules "
                  f"({theirs['ruleset']}), peak RSS {mb(theirs['peak_kb'])}; Lantern validate "
                  f"{ours['seconds']:.1f} s, peak RSS {mb(ours['peak_kb'])}; "
                  f"D2I / Lantern {theirs['seconds'] / ours['seconds']:.1f}x")
            agreement(f"{copies}x {fmt}", fmt, ours, theirs)
    if not args.cin_validate_only:
        samples(homes / "samples")


#: Public samples with deliberate errors: (format, path, year Lantern is told, D2I ruleset
#: year). The 2021 CIN census predates D2I's rule sets and Lantern's: both check it with
#: 2022-23's rules (Lantern says so in a note).
SAMPLE_RUNS = [("903", SAMPLES / "ssda903", 2025, 2025),
               ("cin", SAMPLES / "cin_census" / "CIN_Census_2024.xml", None, 2024),
               ("cin", SAMPLES / "cin_census" / "CIN_Census_2021.xml", None, 2023)]


def samples(homes: Path) -> None:
    print("\nPublic samples with deliberate errors:")
    for n, (fmt, path, year, d2i_year) in enumerate(SAMPLE_RUNS):
        if not path.exists():
            continue
        ours = measure("validate", path, year, homes / str(n))
        theirs = d2i(fmt, path, d2i_year)
        if theirs is None:
            continue
        print(f"  {path.name} ({fmt}, D2I {theirs['ruleset']}): D2I {theirs['seconds']:.1f} s "
              f"(+{theirs['read_seconds']:.1f} s reading), Lantern {ours['seconds']:.1f} s "
              f"end to end")
        agreement(f"sample {path.name}", fmt, ours, theirs)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        kind, path, year, home = sys.argv[2:6]
        print(json.dumps(step(kind, Path(path), int(year) or None, Path(home))))
    else:
        main()
