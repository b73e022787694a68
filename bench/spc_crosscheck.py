"""Cross-check lantern.assurance.spc against an independent MDC implementation (abspc).

abspc (PyPI, Aneurin Bevan UHB, MIT) is not a Lantern dependency, so run this
with a throwaway interpreter:

    python3 -m venv /tmp/benchenv && /tmp/benchenv/bin/pip install abspc pyyaml
    cd /work/main && /tmp/benchenv/bin/python bench/spc_crosscheck.py [--series 200] [--seed 7]

It generates seeded random series (noise, with injected shifts, trends, spikes
and ties), classifies each with Lantern and with abspc, and prints per-rule
point agreement and the disagreements with their explanation. Comparisons:

A. MDC run lengths (shift 7, trend 7) on both sides. abspc's public
   ``detect_special_causes`` hard-codes shift 8 / trend 6, so for A its rule
   helpers (``_rule2_shift``, ``_rule3_trend``, private) are called with 7.
B. abspc's public defaults (shift 8 / trend 6) against Lantern with
   ``shift_length=8, trend_length=6``; also point labels, variation and
   assurance icons through abspc's public functions.
C. abspc's public defaults against Lantern's MDC defaults (what a user of
   either package would see).

Each is run end to end (each package computes its own limits: abspc uses
3/1.128 = 2.6596, MDC 2.66) and with shared limits (Lantern's rule functions
fed abspc's limits), which isolates the rule logic from the constant.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import dataclass

sys.path.insert(0, "src")

import pandas as pd
from abspc import spc as ab

from lantern.assurance import spc

RULES = ("outside_limits", "trend", "two_in_three", "shift")
AB_COL = {"outside_limits": "rule1", "shift": "rule2", "trend": "rule3", "two_in_three": "rule4"}


@dataclass
class Case:
    values: list[float]
    polarity: str
    target: float
    kind: str


def make_series(rng: random.Random, n_series: int) -> list[Case]:
    cases = []
    kinds = ["noise", "shift", "trend", "spike", "ties"]
    for i in range(n_series):
        kind = kinds[i % len(kinds)]
        n = rng.randint(12, 36)
        base = rng.uniform(20, 80)
        sd = rng.uniform(1, 6)
        v = [rng.gauss(base, sd) for _ in range(n)]
        if kind == "shift":
            at = rng.randint(n // 3, n - 7)
            delta = rng.choice([-1, 1]) * rng.uniform(1, 2.5) * sd
            v = [x + (delta if j >= at else 0) for j, x in enumerate(v)]
        elif kind == "trend":
            at = rng.randint(0, n - 8)
            slope = rng.choice([-1, 1]) * rng.uniform(0.8, 2) * sd
            length = rng.randint(6, 9)
            v = [x + slope * (min(j, at + length) - at) if j >= at else x for j, x in enumerate(v)]
        elif kind == "spike":
            for _ in range(rng.randint(1, 3)):
                v[rng.randrange(n)] += rng.choice([-1, 1]) * rng.uniform(3, 6) * sd
        if kind == "ties" or rng.random() < 0.3:
            v = [round(x) for x in v]  # integer values: ties in trends, points on the mean
        else:
            v = [round(x, 1) for x in v]
        cases.append(
            Case(
                values=v,
                polarity=rng.choice(["high", "low"]),
                target=round(base + rng.uniform(-4, 4) * sd, 1),
                kind=kind,
            )
        )
    return cases


def abspc_frame(values: list[float]) -> pd.DataFrame:
    return ab.calculate_control_limits(pd.DataFrame({"value": values}), chart_type="XmR")


def abspc_rules(df: pd.DataFrame, shift_len: int | None, trend_len: int | None) -> pd.DataFrame:
    """abspc's rule flags; None lengths = its public defaults (8 / 6)."""
    if shift_len is None and trend_len is None:
        return ab.detect_special_causes(df)
    import numpy as np

    out = df.copy()
    x = df["value"].to_numpy(dtype=float)
    mean, ucl, lcl = (df[c].to_numpy(dtype=float) for c in ("mean", "ucl", "lcl"))
    uwl, lwl = df["uwl"].to_numpy(dtype=float), df["lwl"].to_numpy(dtype=float)
    out["rule1"] = ab._rule1_astronomical(x, ucl, lcl)
    out["rule2"] = ab._rule2_shift(x, mean, run_length=shift_len or 8)
    out["rule3"] = ab._rule3_trend(x, run_length=trend_len or 6)
    out["rule4"] = ab._rule4_two_in_three(x, mean, ucl, lcl, uwl, lwl)
    out["special_cause"] = np.logical_or.reduce(
        [out[c] for c in ("rule1", "rule2", "rule3", "rule4")]
    )
    return out


def lantern_rule_flags(
    values: list[float], limits: spc.Limits | None, shift_len: int, trend_len: int
) -> dict[str, list[bool]]:
    """Per-rule flags from Lantern's own rule functions (own limits if ``limits`` is None)."""
    lim = limits or spc.xmr_limits(values)
    return {
        "outside_limits": [f != 0 for f in spc.outside_limits(values, lim)],
        "trend": [f != 0 for f in spc.trend(values, trend_len)],
        "two_in_three": [f != 0 for f in spc.two_in_three(values, lim)],
        "shift": [f != 0 for f in spc.shift(values, lim.mean, shift_len)],
    }


def shared_limits(df: pd.DataFrame) -> spc.Limits:
    r = df.iloc[0]
    return spc.Limits(
        mean=float(r["mean"]),
        mean_moving_range=float("nan"),
        upper=float(r["ucl"]),
        lower=float(r["lcl"]),
        upper_near=float(r["uwl"]),
        lower_near=float(r["lwl"]),
        n_points=len(df),
    )


def explain_rule(
    case: Case, rule: str, i: int, ours: bool, shared_agree: bool, convention: str
) -> str:
    if convention and rule in ("trend", "shift"):
        who = "Lantern" if ours else "abspc"
        return f"run-length convention ({convention}): {rule} flagged by {who} only"
    if shared_agree:
        lim = spc.xmr_limits(case.values)
        x = case.values[i]
        edges = {
            "upper": lim.upper, "lower": lim.lower,
            "upper_near": lim.upper_near, "lower_near": lim.lower_near,
        }  # fmt: skip
        near = min(edges, key=lambda k: abs(edges[k] - x))
        return (
            f"limit constant: x={x:g} sits between the 2.66 and 2.6596 versions of the "
            f"{near} limit ({edges[near]:.3f})"
        )
    return f"rule logic: {rule} flagged by {'Lantern' if ours else 'abspc'} only"


def compare_rules(
    cases: list[Case], ab_lens: tuple[int | None, int | None], our_lens: tuple[int, int], title: str
) -> None:
    agree = {(r, mode): 0 for r in RULES for mode in ("own", "shared")}
    series_agree = {mode: 0 for mode in ("own", "shared")}
    total = 0
    ab_eff = (ab_lens[0] or 8, ab_lens[1] or 6)
    convention = (
        ""
        if ab_eff == our_lens
        else f"abspc shift {ab_eff[0]}/trend {ab_eff[1]}, Lantern {our_lens[0]}/{our_lens[1]}"
    )
    reasons: Counter[str] = Counter()
    examples: list[str] = []
    for ci, case in enumerate(cases):
        df = abspc_rules(abspc_frame(case.values), *ab_lens)
        own = lantern_rule_flags(case.values, None, our_lens[0], our_lens[1])
        shared = lantern_rule_flags(case.values, shared_limits(df), our_lens[0], our_lens[1])
        total += len(case.values)
        for mode, flags in (("own", own), ("shared", shared)):
            all_ok = True
            for r in RULES:
                theirs = df[AB_COL[r]].tolist()
                matches = [bool(a) == bool(b) for a, b in zip(flags[r], theirs, strict=True)]
                agree[(r, mode)] += sum(matches)
                all_ok &= all(matches)
                if mode == "own":
                    for i, ok in enumerate(matches):
                        if not ok:
                            shared_ok = bool(shared[r][i]) == bool(theirs[i])
                            why = explain_rule(case, r, i, flags[r][i], shared_ok, convention)
                            reasons[why.split(":")[0] + ": " + r] += 1
                            if len(examples) < 8:
                                examples.append(f"  series {ci} ({case.kind}) point {i}: {why}")
            series_agree[mode] += all_ok
    print(f"\n{title}")
    print(f"  {len(cases)} series, {total} points")
    print(f"  {'rule':<16}{'own limits':>12}{'shared limits':>15}")
    for r in RULES:
        print(f"  {r:<16}{agree[(r, 'own')] / total:>11.2%} {agree[(r, 'shared')] / total:>14.2%}")
    print(
        f"  {'whole series':<16}{series_agree['own'] / len(cases):>11.2%} "
        f"{series_agree['shared'] / len(cases):>14.2%}   (every rule, every point)"
    )
    if reasons:
        print("  disagreements (own limits) by cause:")
        for why, n in reasons.most_common():
            print(f"    {n:4d}  {why}")
        print("  examples:")
        print("\n".join(examples))


def explain_label(case: Case, i: int, point: spc.SpcPoint) -> str:
    v = case.values
    mean = spc.xmr_limits(v).mean
    if point.rule == "trend" and "shift" in point.rules:
        side = 1 if v[i] > mean else -1
        if side != point.direction:
            return "trend+shift: abspc labels by side of mean, Lantern/NPD by trend direction"
    if point.rule == "trend" and i > 0:
        left = 1 if v[i] > v[i - 1] else -1
        if left != point.direction:
            return (
                "first point of a trend (or a peak): abspc uses the step into the point, "
                "Lantern/NPD the trend's direction"
            )
    if point.rule in ("two_in_three", "shift") and "trend" not in point.rules:
        return "other"
    return "precedence: abspc checks the trend before the side of mean only without a shift"


def compare_labels(cases: list[Case]) -> None:
    """abspc public defaults vs Lantern at the same run lengths (8/6): labels and icons."""
    label_total = label_agree = 0
    label_reasons: Counter[str] = Counter()
    var_agree = ass_agree = 0
    var_reasons: Counter[str] = Counter()
    ass_reasons: Counter[str] = Counter()
    for case in cases:
        df = ab.detect_special_causes(abspc_frame(case.values))
        colours = ab.determine_point_colours(df, improvement_direction=case.polarity)
        ours = spc.classify(case.values, case.polarity, shift_length=8, trend_length=6,
                            target=case.target)  # fmt: skip
        for i, p in enumerate(ours.points):
            if p.point_type == "common_cause" or not df["special_cause"].iloc[i]:
                continue
            label_total += 1
            theirs = "improvement" if colours[i] == ab.COLOUR_IMPROVEMENT else "concern"
            mine = "improvement" if p.point_type == spc.IMPROVEMENT else "concern"
            if theirs == mine:
                label_agree += 1
            else:
                label_reasons[explain_label(case, i, p)] += 1
        their_var = ab.determine_variation_type(df, improvement_direction=case.polarity)
        if their_var == ours.variation_icon:
            var_agree += 1
        elif ours.variation_icon == "common_cause":
            var_reasons["abspc uses the last special-cause point, MDC/NPD the last point"] += 1
        else:
            var_reasons[
                "abspc labels the icon by side of mean, Lantern by the rule's direction"
            ] += 1
        their_ass = ab.determine_assurance_type(
            df, case.target, improvement_direction=case.polarity
        )
        mapped = {"pass": "consistent_pass", "fail": "consistent_fail",
                  "hit_or_miss": "inconsistent"}[their_ass]  # fmt: skip
        if mapped == ours.assurance_icon:
            ass_agree += 1
        else:
            ass_reasons["target between the 2.66 and 2.6596 limits (or exactly on a limit)"] += 1
    n = len(cases)
    print("\nB'. Labels and icons (abspc public API vs Lantern at 8/6)")
    print(f"  improvement/concern on points both flag: {label_agree}/{label_total} "
          f"= {label_agree / max(label_total, 1):.2%}")  # fmt: skip
    for why, k in label_reasons.most_common():
        print(f"    {k:4d}  {why}")
    print(f"  variation icon: {var_agree}/{n} = {var_agree / n:.2%}")
    for why, k in var_reasons.most_common():
        print(f"    {k:4d}  {why}")
    print(f"  assurance icon: {ass_agree}/{n} = {ass_agree / n:.2%}")
    for why, k in ass_reasons.most_common():
        print(f"    {k:4d}  {why}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    import abspc

    print(f"abspc {abspc.__version__}; seed {args.seed}")
    cases = make_series(random.Random(args.seed), args.series)
    compare_rules(cases, (7, 7), (7, 7), "A. MDC run lengths (shift 7, trend 7) on both sides")
    compare_rules(cases, (None, None), (8, 6), "B. abspc public defaults vs Lantern at 8/6")
    compare_rules(cases, (None, None), (7, 7), "C. abspc public defaults vs Lantern MDC 7/7")
    compare_labels(cases)


if __name__ == "__main__":
    main()
