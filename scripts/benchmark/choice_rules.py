#!/usr/bin/env python3
"""How `auto` could choose among Scalefit's forms, measured on the Revisiting dev split
with rnsl.py's protocol: AICc (the CLI's choice), an Akaike-weighted average of the
forms' log predictions, BIC, a backtest inside the training rows (fit on the smallest
80 % of the sizes, score the rest), AICc with the backtest deciding among the forms
within 2 of the best, and the oracle (the held-out rows known). Prints each rule's
mean RMSE of the log loss per domain (BENCHMARKS.md, "Revisiting benchmark").

Run:  python3 scripts/benchmark/choice_rules.py  (after `cargo build --release -p scalefit-cli`)
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnsl  # noqa: E402  (re-executes under .venv when SciPy is missing)
import numpy as np  # noqa: E402

CLI = rnsl.CLI
FORMS = ["power", "power-floor", "three-region", "smooth-floor", "broken-power"]
curves = rnsl.load(rnsl.DATA)
def run(train, model, xs_pred):
    out = rnsl.run_fit(CLI, train, "--model", model, "--predict", ",".join(repr(float(x)) for x in sorted(set(xs_pred))))
    if out.returncode != 0: return None
    return json.loads(out.stdout)
res = {r: [] for r in ["aicc", "akaike_avg", "bic", "oracle", "bt_last", "aicc_bt2"]}
doms = []
for key, (train, test) in curves.items():
    tx = np.array([x for x, _ in test]); obs = np.array([y for _, y in test])
    a = run(train, "auto", tx)
    aic = {c["model"]: c["aicc"] for c in a["comparison"] if c.get("error") is None and c["aicc"] is not None and not c.get("passed_over")}
    n = len(train)
    ssr = {c["model"]: c["ssr"] for c in a["comparison"] if c.get("error") is None}
    kk = {c["model"]: c["k"] for c in a["comparison"] if c.get("error") is None}
    pred = {}; sc = {}
    for fm in FORMS:
        v = run(train, fm, tx)
        if v is None or v.get("predictions") is None: continue
        by = {float(q["m"]): q["error"] for q in v["predictions"]}
        p = np.array([by[float(x)] for x in tx]); pred[fm] = p; sc[fm] = rnsl.score(p, obs)
    # backtest inside training: fit on all but largest 20% sizes
    xs = sorted(train); cut = max(int(round(len(xs) * 0.8)), 5)
    btr = {x: train[x] for x in xs[:cut]}; bte = xs[cut:]
    bt = {}
    if bte:
        for fm in FORMS:
            v = run(btr, fm, np.array(bte))
            if v is None or v.get("predictions") is None: bt[fm] = 1.0; continue
            by = {float(q["m"]): q["error"] for q in v["predictions"]}
            bt[fm] = rnsl.score(np.array([by[float(x)] for x in bte]), np.array([train[x] for x in bte]))
    fb = {f: aic[f] for f in aic if f in sc}
    best = min(fb, key=fb.get)
    res["aicc"].append(sc[best])
    w = {f: math.exp(-(fb[f] - fb[best]) / 2) for f in fb}; W = sum(w.values())
    lp = sum(w[f] * np.log(pred[f]) for f in fb) / W
    res["akaike_avg"].append(rnsl.score(np.exp(lp), obs))
    bic = {f: n * math.log(ssr[f] / n) + kk[f] * math.log(n) for f in fb}
    res["bic"].append(sc[min(bic, key=bic.get)])
    res["oracle"].append(min(sc.values()))
    res["bt_last"].append(sc[min(bt, key=bt.get)] if bt else sc[best])
    # AICc but among forms within 2 of best pick the one with the better backtest
    near = [f for f in fb if fb[f] - fb[best] <= 2]
    res["aicc_bt2"].append(sc[min(near, key=lambda f: bt.get(f, 0))] if bt else sc[best])
    doms.append(key[0])
for r, v in res.items():
    v = np.array(v)
    print(r, " ".join(f"{d} {v[[i for i,x in enumerate(doms) if x==d]].mean():.4f}" for d in ["IC","NMT","LM"]), f"all {v.mean():.4f}")
