"""Benchmark of the matching engine (no Django needed).

    .venv/bin/python bench/matching.py [--sizes 1k,10k,50k] [--json] [--pkg-cap 120]

Every measurement runs in its own subprocess so that ``ru_maxrss`` (peak
resident memory) belongs to that measurement alone: engine "optimal",
dense exact reference (1k, 10k only), greedy baseline, "stable", and the
PyPI ``matching`` package's HospitalResident on the same preferences (1k
only, under a time cap). Cohorts come from ``bench/synthetic.py`` (seeded).

``--json`` prints one JSON object per size. ``end_to_end_s`` comes from
``end_to_end(size)``: it returns None unless a module ``bench/matching_e2e.py``
defines ``end_to_end(size: str) -> float | None`` (the Django side plugs its
end-to-end run in there without touching this file).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# This file is itself named "matching": put the repo root first on sys.path so
# ``import matching`` finds the project package, not this script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench.synthetic import SIZES, sized
from matching.engine import assign, run
from matching.engine.core import DEFAULT_K
from matching.engine.scoring import Scorer

DENSE_SIZES = {"1k", "10k"}
PKG_SIZES = {"1k"}


def end_to_end(size: str) -> float | None:
    """Seconds for the full Django run of ``size`` (import + match + save), if plugged in."""
    try:
        mod = importlib.import_module("bench.matching_e2e")
    except ImportError:
        return None
    fn = getattr(mod, "end_to_end", None)
    return fn(size) if callable(fn) else None


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ----------------------------------------------------------------- tasks (one per subprocess)
def task_optimal(size: str) -> dict[str, Any]:
    inp = sized(size)
    base = _peak_mb()
    t = time.perf_counter()
    r = run(inp, algorithm="optimal")
    return {
        "engine_s": round(time.perf_counter() - t, 3),
        "stages": {k: round(v, 3) for k, v in r.timings.items()},
        "total_score": r.stats["total_score"],
        "matched": r.stats["matched"],
        "solver": {k[7:]: v for k, v in r.stats.items() if k.startswith("solver_")},
        "peak_mb": _peak_mb(),
        "input_mb": base,
    }


def task_dense(size: str) -> dict[str, Any]:
    inp = sized(size)
    t = time.perf_counter()
    r = run(inp, algorithm="optimal_dense")
    return {
        "dense_s": round(time.perf_counter() - t, 3),
        "dense_total_score": r.stats["total_score"],
        "dense_matched": r.stats["matched"],
        "dense_peak_mb": _peak_mb(),
    }


def task_greedy(size: str) -> dict[str, Any]:
    """Greedy on the same candidate pairs (top-K per mentee): sort by score, take if both free."""
    inp = sized(size)
    t = time.perf_counter()
    sc = Scorer(inp)
    rows = np.arange(sc.n)
    cols = np.flatnonzero(sc.capacity > 0)
    g = assign.candidate_graph(sc, rows, cols, DEFAULT_K)
    match = assign.greedy(g, sc.capacity[cols])
    on = g.c == match[g.r]
    return {
        "greedy_s": round(time.perf_counter() - t, 3),
        "greedy_total_score": round(int(g.centi[on].sum()) / 100, 2),
        "greedy_matched": int((match >= 0).sum()),
    }


def task_stable(size: str) -> dict[str, Any]:
    inp = sized(size)
    t = time.perf_counter()
    r = run(inp, algorithm="stable")
    return {
        "stable_s": round(time.perf_counter() - t, 3),
        "stable_da_s": round(r.timings["assigning"], 3),
        "stable_total_score": r.stats["total_score"],
        "stable_matched": r.stats["matched"],
        "stable_peak_mb": _peak_mb(),
        "_pairs": sorted((p.mentee_id, p.mentor_id) for p in r.proposals),
    }


# The package deep-copies its player graph: it needs a deep recursion limit and a big stack.
_PKG_CODE = r"""
import json, sys, threading, time
from matching.games import HospitalResident
sys.setrecursionlimit(1_000_000)
threading.stack_size(1 << 29)
d = json.load(open(sys.argv[1]))
out = {}
def go():
    t = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(d["residents"], d["hospitals"], d["capacities"])
    sol = game.solve(optimal="resident")
    out["s"] = time.perf_counter() - t
    out["pairs"] = sorted([int(r.name), int(h.name)] for h, rs in sol.items() for r in rs)
th = threading.Thread(target=go)
th.start()
th.join()
print(json.dumps(out))
"""


def task_pkg(size: str, cap_s: float) -> dict[str, Any]:
    """PyPI ``matching`` HospitalResident on the complete valid-pair preferences."""
    inp = sized(size)
    sc = Scorer(inp)
    centi = sc.block_centi(np.arange(sc.n))
    residents: dict[str, list[str]] = {}
    by_mentor: dict[int, list[tuple[int, int]]] = {}
    for i in range(sc.n):
        js = np.flatnonzero((centi[i] >= 0) & (sc.capacity > 0))
        js = js[np.lexsort((js, -centi[i, js]))]  # score desc, id asc (ids sorted with index)
        residents[str(sc.mentee_ids[i])] = [str(sc.mentor_ids[j]) for j in js]
        for j in js.tolist():
            by_mentor.setdefault(j, []).append((int(centi[i, j]), i))
    hospitals = {
        str(sc.mentor_ids[j]): [str(sc.mentee_ids[i]) for _, i in sorted(lst, key=lambda x: (-x[0], x[1]))]
        for j, lst in by_mentor.items()
    }
    capacities = {str(sc.mentor_ids[j]): int(sc.capacity[j]) for j in by_mentor}
    n_prefs = sum(len(v) for v in residents.values())
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"residents": residents, "hospitals": hospitals, "capacities": capacities}, fh)
        path = fh.name
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    try:
        out = subprocess.run(
            [sys.executable, "-c", _PKG_CODE, path],
            cwd=tempfile.gettempdir(),  # away from the repo: "matching" must be the PyPI package
            capture_output=True,
            text=True,
            timeout=cap_s,
            env=env,
            check=True,
        )
        res = json.loads(out.stdout)
        return {"matching_pkg_s": round(res["s"], 3), "pkg_prefs": n_prefs, "_pairs": res["pairs"]}
    except subprocess.TimeoutExpired:
        return {"matching_pkg_s": None, "pkg_prefs": n_prefs, "pkg_note": f"timed out after {cap_s:g} s"}
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(path, file=sys.stderr)
        else:
            os.unlink(path)


# ----------------------------------------------------------------- driver
def _sub(task: str, size: str, extra: list[str] | None = None, timeout: float = 3600) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--task", task, "--size", size, *(extra or [])]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if out.returncode != 0:
        return {f"{task}_error": out.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_size(size: str, pkg_cap: float, dense: bool) -> dict[str, Any]:
    n, m, cap = SIZES[size]
    row: dict[str, Any] = {"size": size, "mentees": n, "mentors": m, "capacity": f"{cap[0]}-{cap[1]}"}
    row.update(_sub("optimal", size))
    row["end_to_end_s"] = end_to_end(size)
    row.update({"dense_total_score": None, "dense_s": None})
    if dense and size in DENSE_SIZES:
        row.update(_sub("dense", size))
    row.update(_sub("greedy", size))
    st = _sub("stable", size)
    stable_pairs = st.pop("_pairs", None)
    row.update(st)
    row["matching_pkg_s"] = None
    if size in PKG_SIZES:
        pk = _sub("pkg", size, ["--pkg-cap", str(pkg_cap)], timeout=pkg_cap + 600)
        pkg_pairs = pk.pop("_pairs", None)
        row.update(pk)
        if pkg_pairs is not None and stable_pairs is not None:
            row["matching_pkg_same_result"] = [tuple(p) for p in pkg_pairs] == [tuple(p) for p in stable_pairs]
    # ratios
    ts = row.get("total_score")
    if ts:
        for key in ("dense_total_score", "greedy_total_score", "stable_total_score"):
            if row.get(key) is not None:
                row[key.replace("_total_score", "_quality_ratio")] = round(row[key] / ts, 4)
    if row.get("dense_s") and row.get("engine_s"):
        row["dense_time_ratio"] = round(row["dense_s"] / row["engine_s"], 2)
    if row.get("matching_pkg_s") and row.get("stable_s"):
        row["pkg_vs_stable_ratio"] = round(row["matching_pkg_s"] / row["stable_s"], 1)
        row["pkg_vs_stable_da_ratio"] = round(row["matching_pkg_s"] / max(row["stable_da_s"], 1e-6), 1)
    return row


def _print_table(rows: list[dict[str, Any]]) -> None:
    def f(x: Any) -> str:
        return "-" if x is None else str(x)

    for r in rows:
        print(f"== {r['size']}: {r['mentees']} mentees x {r['mentors']} mentors (capacity {r['capacity']})")
        print(f"  optimal   {f(r.get('engine_s'))} s  peak {f(r.get('peak_mb'))} MB  stages {r.get('stages')}")
        print(f"            total {f(r.get('total_score'))}  matched {f(r.get('matched'))}  solver {r.get('solver')}")
        print(f"  end2end   {f(r.get('end_to_end_s'))}")
        print(
            f"  dense     {f(r.get('dense_s'))} s  total {f(r.get('dense_total_score'))}  "
            f"(time x{f(r.get('dense_time_ratio'))}, quality {f(r.get('dense_quality_ratio'))})"
        )
        print(
            f"  greedy    {f(r.get('greedy_s'))} s  total {f(r.get('greedy_total_score'))}  "
            f"matched {f(r.get('greedy_matched'))}  (quality {f(r.get('greedy_quality_ratio'))})"
        )
        print(
            f"  stable    {f(r.get('stable_s'))} s (DA {f(r.get('stable_da_s'))} s)  total {f(r.get('stable_total_score'))}"
            f"  matched {f(r.get('stable_matched'))}  (quality {f(r.get('stable_quality_ratio'))})"
        )
        print(
            f"  matching  {f(r.get('matching_pkg_s'))} s {r.get('pkg_note', '')} prefs {f(r.get('pkg_prefs'))}  "
            f"x{f(r.get('pkg_vs_stable_ratio'))} vs stable, x{f(r.get('pkg_vs_stable_da_ratio'))} vs DA, "
            f"same result: {f(r.get('matching_pkg_same_result'))}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1k,10k,50k")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pkg-cap", type=float, default=120.0, help="time cap for the matching package (s)")
    ap.add_argument("--no-dense", action="store_true")
    ap.add_argument("--task", help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.task:
        fns = {"optimal": task_optimal, "dense": task_dense, "greedy": task_greedy, "stable": task_stable}
        res = task_pkg(args.size, args.pkg_cap) if args.task == "pkg" else fns[args.task](args.size)
        print(json.dumps(res))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s) {unknown}; known: {', '.join(SIZES)}")
    rows = []
    for s in sizes:
        row = bench_size(s, args.pkg_cap, not args.no_dense)
        rows.append(row)
        if args.json:
            print(json.dumps(row), flush=True)
    if not args.json:
        _print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
