"""What counts as an amount of money when dividing by a sum of it."""

# A sum of money below half a cent divides nothing: sales and returns that cancel out sum to about
# 1e-12, not 0, depending on the order of addition (which each engine chooses), and a margin or
# growth over that residue came out as 1e16 in one engine and missing in another (100,000,000
# generated rows, bench/bench_engines.py). Ratios over such a sum are missing, as over zero.
MONEY_EPSILON = 0.005
