#!/usr/bin/env python3
"""Compares two outputs of the `optima` example (before, after a fitter change): how
many fits reach the same SSR (within 1e-7 relative), a lower one, a higher one, and
the worst ten higher ones. Usage: scripts/compare-optima.py before.txt after.txt"""
import sys

def rows(path):
    return [line.split(" ", 5) for line in open(path)]

before, after = rows(sys.argv[1]), rows(sys.argv[2])
if len(before) != len(after):
    sys.exit("the files hold different numbers of fits")
same = lower = 0
higher = []
for b, a in zip(before, after):
    sb, sa = float(b[3]), float(a[3])
    if sa > sb * (1 + 1e-7) + 1e-300:
        higher.append((sa / sb if sb > 0 else float("inf"), " ".join(b[:3]), b[4], a[4]))
    elif sb > sa * (1 + 1e-7) + 1e-300:
        lower += 1
    else:
        same += 1
print(f"{len(before)} fits: same SSR {same}, lower {lower}, higher {len(higher)}")
for ratio, case, conv_b, conv_a in sorted(higher, reverse=True)[:10]:
    print(f"  {case}: SSR x{ratio:.6g} (converged before {conv_b}, after {conv_a})")
sys.exit(1 if higher else 0)
