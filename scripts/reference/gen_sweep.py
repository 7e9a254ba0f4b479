#!/usr/bin/env python3
"""Generates crates/scalefit-core/tests/data/sweep_reference.json: seeded sweeps and
SciPy's best multistart optimum of the joint law for the `log` and `huber` losses
(see sweep_ref.py), for tests/sweep_reference.rs.

    python3 -m venv .venv && .venv/bin/pip install scipy numpy
    .venv/bin/python scripts/reference/gen_sweep.py

Seeded (numpy's PCG64, seed 20260101): rerunning writes the same sweeps; the optima
may differ in the last digits across SciPy versions.
"""

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from sweep_ref import multistart  # noqa: E402

HOFFMANN = {"E": 1.69, "A": 406.4, "alpha": 0.34, "B": 410.7, "beta": 0.28}
BESIROGLU = {"E": 1.817, "A": 482.0, "alpha": 0.348, "B": 2085.0, "beta": 0.366}
HESTNESS_LIKE = {"E": 0.5, "A": 50.0, "alpha": 0.4, "B": 200.0, "beta": 0.3}


def law(p, n, d):
    return p["E"] + p["A"] * n ** -p["alpha"] + p["B"] * d ** -p["beta"]


def sweep(rng, name, truth, n, d, sigma, note):
    y = law(truth, n, d) * np.exp(sigma * rng.standard_normal(len(n)))
    return {"name": name, "note": note, "truth": truth, "sigma": sigma,
            "m": d.tolist(), "s": n.tolist(), "error": y.tolist()}


def main():
    rng = np.random.default_rng(20260101)
    cases = []
    n, d = np.meshgrid(1e7 * 3.0 ** np.arange(6), 1e9 * 3.0 ** np.arange(5))
    cases.append(sweep(rng, "grid-hoffmann", HOFFMANN, n.ravel(), d.ravel(), 0.01,
                       "6 model sizes x 5 data sizes, Hoffmann et al. 2022's law"))
    n = np.exp(rng.uniform(np.log(7e7), np.log(1.6e10), 250))
    d = np.exp(rng.uniform(np.log(5e9), np.log(5e11), 250))
    cases.append(sweep(rng, "chinchilla-besiroglu", BESIROGLU, n, d, 0.02,
                       "250 runs, Chinchilla-like spacing, Besiroglu et al. 2024's law"))
    n, d = np.meshgrid(1e5 * 2.0 ** np.arange(7), 1e6 * 4.0 ** np.arange(6))
    cases.append(sweep(rng, "hestness-sweep", HESTNESS_LIKE, n.ravel(), d.ravel(), 0.005,
                       "7 model sizes at each of 6 training-set sizes"))
    n = np.exp(rng.uniform(np.log(1e6), np.log(1e9), 9))
    d = np.exp(rng.uniform(np.log(1e8), np.log(1e11), 9))
    cases.append(sweep(rng, "small", HOFFMANN, n, d, 0.01, "9 runs, barely determined"))
    for c in cases:
        m, s, y = (np.array(c[k]) for k in ("m", "s", "error"))
        c["scipy"] = {}
        for loss in ("log", "huber"):
            t = time.perf_counter()
            p, f = multistart(s, m, y, loss, 1e-3)
            c["scipy"][loss] = {"params": p, "objective": f, "huber_delta": 1e-3,
                                "seconds": time.perf_counter() - t}
            print(c["name"], loss, f, p, f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
    out = os.path.join(os.path.dirname(__file__), "..", "..", "crates", "scalefit-core",
                       "tests", "data", "sweep_reference.json")
    with open(out, "w") as fh:
        json.dump({"generator": "scripts/reference/gen_sweep.py", "cases": cases}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
