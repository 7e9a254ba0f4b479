#!/usr/bin/env python3
"""Forms Scalefit does not have, measured before they are built: would `auto` predict
the Revisiting dev split better with them among its choices?

Candidates (fitted here in SciPy, on the same protocol as rnsl.py):
  BPL   a broken power law with one break and its smoothness f free (rnsl.py's
        fit_bnsl, 6 parameters; Scalefit's broken-power holds f at 0.3).
  M4    the benchmark's M4, rnsl.py's fit (5 parameters).

Printed per domain: each candidate alone; Scalefit `auto` (AICc over its five
forms, broken-power among them); AICc over the five forms and the candidate(s), the candidate's AICc from its
own log-loss SSR with its parameter count (the CLI's formula); the oracle (the best
held-out score among the forms, the held-out rows known). BENCHMARKS.md, "Forms not
built".

Run:  python3 scripts/benchmark/candidates.py   (after `cargo build --release -p scalefit-cli`)
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnsl  # noqa: E402  (re-executes under .venv when SciPy is missing)
import numpy as np  # noqa: E402

FORMS = ["power", "power-floor", "three-region", "smooth-floor", "broken-power"]
CANDIDATES = {"BPL": (rnsl.fit_bnsl, 6), "M4": (rnsl.fit_m4, 5)}


def candidate(name, train, test_x):
    """Predictions at test_x and the training SSR of the log loss (None, None on
    failure), as rnsl.paper does for M1-M4."""
    fit, _ = CANDIDATES[name]
    xs = np.array(sorted(train))
    ys = np.array([train[x] for x in xs])
    scale = xs.max()
    try:
        with np.errstate(all="ignore"):
            f = fit(xs / scale, ys)
            if f is None:
                return None, None
            ssr = float(np.sum((np.log(f(xs / scale)) - np.log(ys)) ** 2))
            return f(np.asarray(test_x) / scale), ssr
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return None, None


def aicc(ssr, n, k):
    """The CLI's AICc (crates/scalefit-core/src/fit/mod.rs)."""
    if n <= k + 1:
        return math.inf
    s = max(ssr, n * 1e-24)
    return n * math.log(s / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def main():
    curves = rnsl.load(rnsl.DATA)
    rules = ["BPL", "M4", "auto", "aicc+BPL", "aicc+M4", "aicc+M4+BPL",
             "oracle (5 forms)", "oracle (+BPL)", "oracle (+M4)"]
    res = {r: [] for r in rules}
    picked = {"BPL": 0, "M4": 0}
    doms = []
    for (domain, task, model), (train, test) in curves.items():
        tx = np.array([x for x, _ in test])
        obs = np.array([y for _, y in test])
        n = len(train)
        # Each of Scalefit's forms: its held-out score and AICc.
        score, ic = {}, {}
        for fm in FORMS:
            pred, _, _, ssr = rnsl.scalefit(rnsl.CLI, train, tx, fm, True)
            if pred is None or ssr is None:
                continue
            score[fm] = rnsl.score(pred, obs)
        auto_pred, auto_form, _, _ = rnsl.scalefit(rnsl.CLI, train, tx, "auto", True)
        auto_score = rnsl.FAIL if auto_pred is None else rnsl.score(auto_pred, obs)
        ic_auto = rnsl_auto_aicc(train)
        for name, (_, k) in CANDIDATES.items():
            pred, ssr = candidate(name, train, tx)
            s = rnsl.FAIL if pred is None else rnsl.score(pred, obs)
            score[name] = s
            ic[name] = math.inf if ssr is None else aicc(ssr, n, k)
        res["BPL"].append(score["BPL"])
        res["M4"].append(score["M4"])
        res["auto"].append(auto_score)

        def choose(extra):
            best, best_ic = None, ic_auto
            for c in extra:
                if ic[c] < best_ic:
                    best, best_ic = c, ic[c]
            return best

        for rule, extra in [("aicc+BPL", ["BPL"]), ("aicc+M4", ["M4"]),
                            ("aicc+M4+BPL", ["M4", "BPL"])]:
            c = choose(extra)
            if rule == "aicc+M4+BPL" and c is not None:
                picked[c] += 1
            res[rule].append(auto_score if c is None else score[c])
        base = [score[f] for f in FORMS if f in score]
        res["oracle (5 forms)"].append(min(base))
        res["oracle (+BPL)"].append(min(base + [score["BPL"]]))
        res["oracle (+M4)"].append(min(base + [score["M4"]]))
        doms.append(domain)
        print(f"{domain:4} {task:15} {model:14} auto {auto_score:.4f} ({auto_form}) "
              f"BPL {score['BPL']:.4f} M4 {score['M4']:.4f}", file=sys.stderr)
    ds = ["IC", "NMT", "LM"]
    print("| rule | " + " | ".join(f"{d} ({doms.count(d)})" for d in ds) + f" | all ({len(doms)}) |")
    print("|---|" + "---:|" * (len(ds) + 1))
    for r, v in res.items():
        v = np.array(v)
        cells = [f"{v[[i for i, x in enumerate(doms) if x == d]].mean():.4f}" for d in ds]
        print(f"| {r} | " + " | ".join(cells) + f" | {v.mean():.4f} |")
    print()
    print(f"AICc over the five forms, M4 and BPL picked: M4 on {picked['M4']}, BPL on "
          f"{picked['BPL']} of {len(doms)} curves")
    m4 = np.array(res["M4"])
    for r in ["aicc+M4", "aicc+M4+BPL"]:
        v = np.array(res[r])
        print(f"{r}: beats M4 on {int(np.sum(v < m4 - 1e-9))}, ties {int(np.sum(abs(v - m4) <= 1e-9))}"
              f" of {len(doms)}")


def rnsl_auto_aicc(train):
    """AICc of the form `auto` chose (the least among the forms it did not pass
    over)."""
    return json.loads(rnsl.run_fit(rnsl.CLI, train).stdout)["aicc"]


if __name__ == "__main__":
    main()
