#!/usr/bin/env python3
"""SciPy baseline for the joint-law benchmark: the multistart of
scripts/reference/sweep_ref.py (L-BFGS-B from 72 starts, analytic gradient, the
objective of Hoffmann et al. 2022's Approach 3) on the 250-run Chinchilla-like sweep of
crates/scalefit-core/tests/data/sweep_reference.json, timed once per loss. Compare
with `cargo run --release -p scalefit-core --example sweep_bench`.

Run:  .venv/bin/python scripts/bench_sweep_scipy.py   (needs numpy and scipy)
The last line is JSON: seconds per multistart per loss.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
import numpy as np  # noqa: E402
from sweep_ref import multistart  # noqa: E402

DATA = os.path.join(HERE, "..", "crates", "scalefit-core", "tests", "data", "sweep_reference.json")


def main():
    with open(DATA) as fh:
        case = next(c for c in json.load(fh)["cases"] if c["name"] == "chinchilla-besiroglu")
    m, s, y = (np.array(case[k]) for k in ("m", "s", "error"))
    out = {}
    for loss in ("log", "huber"):
        t = time.perf_counter()
        _, f = multistart(s, m, y, loss, 1e-3)
        secs = time.perf_counter() - t
        out[loss] = secs
        print(f"{loss:5} {len(y)} runs: SciPy multistart {secs:.2f} s, objective {f:.12e}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
