#!/usr/bin/env python3
"""How `auto` could choose among Scalefit's forms, measured on the Revisiting dev split
with rnsl.py's protocol. Every form is fitted by the CLI on each curve's training rows
(and, for the backtest, on the smallest 80 % of its sizes, scored on the rest); then
each rule picks (or averages) forms the same way on every curve:

  aicc      the lowest AICc (the CLI's `auto` over its five forms)
  aicc_btD  AICc, but among the forms within D of the best the one whose backtest
            predicts the largest 20 % of the training sizes best
  akaike    the Akaike-weighted average of the forms' log predictions
  bic       the lowest BIC
  bt        the backtest alone
  oracle    the best form per curve, the held-out rows known (a bound, not a rule)

over `auto`'s five forms and over six (with `sigmoid`, the benchmark's M4), plus
two averages without a choice: broken-power and sigmoid's log predictions averaged,
and the median of the six forms' log predictions. Forms `auto` passes over are left
out of every rule. Prints each rule's mean RMSE of the log loss per domain
(BENCHMARKS.md, "Revisiting benchmark").

Run:  python3 scripts/benchmark/choice_rules.py  (after `cargo build --release -p scalefit-cli`)
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnsl  # noqa: E402  (re-executes under .venv when SciPy is missing)
import numpy as np  # noqa: E402

FIVE = ["power", "power-floor", "three-region", "smooth-floor", "broken-power"]
SIX = FIVE + ["sigmoid"]


def run(train, model, xs):
    """The CLI's fit of `model` on `train`, its predictions at `xs` (None: no fit)."""
    grid = ",".join(repr(float(x)) for x in sorted(set(xs)))
    out = rnsl.run_fit(rnsl.CLI, train, "--model", model, "--predict", grid)
    if out.returncode != 0:
        return None
    v = json.loads(out.stdout)
    if v.get("predictions") is None:
        return None
    by = {float(q["m"]): q["error"] for q in v["predictions"]}
    return v, np.array([by[float(x)] for x in xs])


def collect():
    """Per curve: domain, held-out errors, and per form its prediction, AICc, BIC and
    backtest score."""
    rows = []
    for key, (train, test) in rnsl.load(rnsl.DATA).items():
        tx = np.array([x for x, _ in test])
        obs = np.array([y for _, y in test])
        auto = run(train, "auto", tx)[0]
        passed = {c["model"] for c in auto["comparison"] if c.get("passed_over")}
        sizes = sorted(train)
        cut = max(int(round(len(sizes) * 0.8)), 5)
        early = {x: train[x] for x in sizes[:cut]}
        late = sizes[cut:]
        n = len(train)
        forms = {}
        for fm in SIX:
            fit = run(train, fm, tx)
            if fit is None or fm in passed or fit[0].get("aicc") is None:
                continue
            v, pred = fit
            bt = 0.0
            if late:
                b = run(early, fm, np.array(late))
                bt = rnsl.score(b[1], np.array([train[x] for x in late])) if b else rnsl.FAIL
            bic = n * math.log(v["ssr"] / n) + len(v["params"]) * math.log(n) if v["ssr"] > 0 else -math.inf
            forms[fm] = dict(pred=pred, aicc=v["aicc"], bic=bic, bt=bt)
        rows.append((key[0], obs, forms))
    return rows


def pick(forms, names, by):
    c = {f: forms[f] for f in names if f in forms}
    return c[min(c, key=lambda f: c[f][by])]["pred"]


def near_bt(forms, names, d):
    c = {f: forms[f] for f in names if f in forms}
    best = min(v["aicc"] for v in c.values())
    near = {f: v for f, v in c.items() if v["aicc"] - best <= d}
    return near[min(near, key=lambda f: near[f]["bt"])]["pred"]


def akaike(forms, names):
    c = {f: forms[f] for f in names if f in forms}
    best = min(v["aicc"] for v in c.values())
    w = {f: math.exp(-(v["aicc"] - best) / 2) for f, v in c.items()}
    return np.exp(sum(w[f] * np.log(c[f]["pred"]) for f in c) / sum(w.values()))


def rules():
    out = {}
    for tag, names in [("5", FIVE), ("6", SIX)]:
        out["aicc" + tag] = lambda f, obs, n=names: pick(f, n, "aicc")
        for d in (2, 4):
            out[f"aicc{tag}_bt{d}"] = lambda f, obs, n=names, d=d: near_bt(f, n, d)
        out["akaike" + tag] = lambda f, obs, n=names: akaike(f, n)
        out["bic" + tag] = lambda f, obs, n=names: pick(f, n, "bic")
        out["bt" + tag] = lambda f, obs, n=names: pick(f, n, "bt")
        out["oracle" + tag] = lambda f, obs, n=names: min(
            (f[x]["pred"] for x in n if x in f), key=lambda p: rnsl.score(p, obs))
    pair = ["broken-power", "sigmoid"]
    out["avg_bp_sigmoid"] = lambda f, obs: np.exp(np.mean([np.log(f[x]["pred"]) for x in pair if x in f], axis=0))
    out["median6"] = lambda f, obs: np.exp(np.median([np.log(f[x]["pred"]) for x in SIX if x in f], axis=0))
    return out


def main():
    rows = collect()
    doms = [d for d, _, _ in rows]
    for name, rule in rules().items():
        s = np.array([rnsl.score(rule(f, obs), obs) for _, obs, f in rows])
        per = " ".join(f"{d} {s[[i for i, x in enumerate(doms) if x == d]].mean():.4f}" for d in ["IC", "NMT", "LM"])
        print(f"{name:15s} {per} all {s.mean():.4f}")


if __name__ == "__main__":
    main()
