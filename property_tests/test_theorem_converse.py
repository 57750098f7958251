"""The converse, by training: on random finite groups, every trained network that meets the
hypotheses of Corollary 11 (invariant, unitary, surjective) satisfies every conclusion —
irreps equivalent to G's, each exactly once, weights spanning the Fourier coefficients, and
the exact Cayley table, label for label.

Profile ``ci``: generated groups of order ≤ 12, 8 seeds each.  ``thorough``: 16 seeds, on
GAP's SmallGroups of order ≤ 60 drawn uniformly by (order, id) and relabelled (every
isomorphism type equally likely, the identity at a random label) as well as generated groups
of order ≤ 60 (products, semidirect products, permutation groups).
A failure shrinks towards a small group and prints its table, the seed and the offending
network's residuals, ready to be pinned with ``@example``.
"""

import dataclasses
import os
import sys
import time

import jax
import numpy as np
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import harmonics_jax as hj
from harmonics_jax.testing.strategies import finite_groups, small_groups
from harmonics_jax.training import TrainConfig, sweep
from harmonics_jax.verify import verify_batched

THOROUGH = os.environ.get("HARMONICS_PROFILE", "ci") == "thorough"
MAX_ORDER = 60 if THOROUGH else 12
SEEDS = 16 if THOROUGH else 8
CONCLUSIONS = ("irreps_equivalent", "each_irrep_once", "span_ok", "table_recovered")
# thorough: the SmallGroups library (uniform over ids, relabelled) first, then generated groups
GROUPS = (st.one_of(small_groups(max_order=MAX_ORDER, relabel=True),
                    finite_groups(max_order=MAX_ORDER))
          if THOROUGH else finite_groups(max_order=MAX_ORDER))


def train_and_verify(group, seeds=SEEDS, key=0):
    result = sweep(jax.random.key(key), group, TrainConfig(), num_seeds=seeds)
    weights = result.weights[0]
    return verify_batched(weights, group)


def failures(report, group):
    """Seeds that meet the hypotheses but miss a conclusion, with their residuals."""
    bad = []
    for s in np.flatnonzero(report.hypotheses_met):
        missed = [c for c in CONCLUSIONS if not bool(getattr(report, c)[s])]
        if missed:
            bad.append(
                f"seed {s}: missed {missed}; invariance {report.invariance_defect[s]:.2e}, "
                f"unitarity {report.unitarity_defect[s]:.2e}, homomorphism "
                f"{report.homomorphism_residual[s]:.2e}, equivalence "
                f"{report.equivalence_residual[s]:.2e}, span {report.span_residual[s]:.2e}, "
                f"table errors {report.table_errors[s]}")
    if bad:
        bad.insert(0, f"group {group.name} (order {group.order}), table:\n"
                   f"{np.asarray(group.table).tolist()}")
    return bad


@settings(max_examples=40 if THOROUGH else 4,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(GROUPS)
@example(hj.named_group("Q8"))
def test_every_network_meeting_the_hypotheses_satisfies_every_conclusion(group):
    start = time.perf_counter()
    report = train_and_verify(group)
    bad = failures(report, group)
    met = int(report.hypotheses_met.sum())
    # one line per group on stderr (shown with ``pytest -s``; the thorough run's log) and in
    # ``--hypothesis-show-statistics``
    print(f"converse: {group.name} (order {group.order}): {met}/{SEEDS} met the hypotheses, "
          f"{met - (len(bad) - 1 if bad else 0)} of them every conclusion, "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    event(f"order {group.order}")
    assert not bad, "\n".join(bad)
    # the recipe must make the statement non-vacuous: most seeds meet the hypotheses
    assert report.hypotheses_met.sum() >= SEEDS // 2, (
        f"only {report.hypotheses_met.sum()}/{SEEDS} networks met the hypotheses on "
        f"{group.name}: {np.asarray(group.table).tolist()}")


def test_negative_control_a_missed_conclusion_is_reported():
    """The failure detector above flags a network that meets the hypotheses but whose table
    (or any other conclusion) is wrong, and names the seed and the residuals."""
    g = hj.named_group("S3")
    report = train_and_verify(g, seeds=2)
    assert report.hypotheses_met.all() and not failures(report, g)
    for conclusion in CONCLUSIONS:
        broken = dataclasses.replace(report, **{conclusion: np.zeros(2, bool)})
        found = failures(broken, g)
        assert len(found) == 3 and conclusion in found[1] and "seed 0" in found[1]
