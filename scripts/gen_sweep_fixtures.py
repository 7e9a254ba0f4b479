#!/usr/bin/env python3
"""Writes the sweep fixtures of tests/fixtures/ from known joint laws, so the CLI's
tests can check what the fit recovers. Deterministic: its own LCG, no library RNG.

- sweep60.csv: a grid of 6 data sizes x 10 model sizes from Besiroglu et al. 2024's
  refit of Chinchilla (E = 1.817, A = 482.0, alpha = 0.348, B = 2085, beta = 0.366),
  multiplicative noise of 0.5% (uniform, seeded).
- sweep_hoffmann.csv: 24 runs, every run its own N and D (no shared data size), as
  Hoffmann et al. 2022's were, from their law (E = 1.69, A = 406.4, alpha = 0.34,
  B = 410.7, beta = 0.28), noise of 0.5%.

Run:  python3 scripts/gen_sweep_fixtures.py   (rewrites both files)
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")


class Lcg:
    """Knuth's MMIX LCG; the top 53 bits as a float in [0, 1)."""

    def __init__(self, seed):
        self.x = seed

    def uniform(self):
        self.x = (6364136223846793005 * self.x + 1442695040888963407) % 2**64
        return (self.x >> 11) / 2**53


def law(p, n, d):
    e, a, alpha, b, beta = p
    return e + a * n ** -alpha + b * d ** -beta


def write(name, rows):
    with open(os.path.join(OUT, name), "w") as fh:
        fh.write("tokens,loss,params\n")
        for d, loss, n in rows:
            fh.write(f"{d:.6g},{loss:.6f},{n:.6g}\n")


def main():
    besiroglu = (1.817, 482.0, 0.348, 2085.0, 0.366)
    rng = Lcg(60)
    rows = []
    for i in range(6):
        d = 1e9 * 10 ** (i * 2.0 / 5)
        for j in range(10):
            n = 1e7 * 10 ** (j * 2.0 / 9)
            noise = 1 + 0.01 * (rng.uniform() - 0.5)
            rows.append((d, law(besiroglu, n, d) * noise, n))
    write("sweep60.csv", rows)

    hoffmann = (1.69, 406.4, 0.34, 410.7, 0.28)
    rng = Lcg(24)
    rows = []
    for i in range(24):
        # N and D on two interleaved log grids: every run has its own of each.
        n = 1e7 * 10 ** (2.5 * rng.uniform())
        d = 1e9 * 10 ** (2.5 * rng.uniform())
        noise = 1 + 0.01 * (rng.uniform() - 0.5)
        rows.append((d, law(hoffmann, n, d) * noise, n))
    write("sweep_hoffmann.csv", rows)


if __name__ == "__main__":
    main()
