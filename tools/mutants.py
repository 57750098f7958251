r"""Mutation testing of the verification suite and the Fourier kernels: does the test suite
notice when the code is wrong?

Each *mutant* is one named, deliberate bug (an operator swapped, a constant changed, a guard
removed, a tolerance ignored) in ``harmonics_jax/verify/``, the Fourier kernels
(``harmonics_jax/_fourier.py``) or the group layer they rely on.  For each mutant the script
copies the repository to a temporary folder, applies the one edit (the text to replace must
occur exactly once, or the mutant is reported *stale*), runs the mutant's test selection with
``pytest -x`` in that copy, and reports it *killed* (a test failed), *survived* (all passed)
or *error*/*timeout*.  A survivor is a hole in the suite, unless it is an *equivalent*
mutant (no input can tell it apart; each such mutant says why in its ``why``).

Opt-in: never part of ``python -m pytest`` (``tools/`` is not a test path).  Dependency-free:
the standard library and the project's own test environment.  Why not mutmut: it mutates
every operator of every line (hundreds of mutants here) and runs the tests for each; with
XLA compiling the verification kernels afresh in every process (tens of seconds), that is
hours, and most of its mutants are numerically invisible rewrites of round-off-level code.
Named mutants with a targeted test selection run in about a minute each and each one states
the bug it models.

    .venv/bin/python tools/mutants.py --list
    .venv/bin/python tools/mutants.py                       # all mutants (~1 h on 2 cores)
    .venv/bin/python tools/mutants.py --only report-L-not-over-n t17-bound-doubled
    .venv/bin/python tools/mutants.py --out benchmarks/results/mutants/last_run.json

A JAX persistent compilation cache (``--cache``, default a folder under the system temp
dir) is shared by the runs, so kernels a mutant does not touch compile once.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", "runs", "__pycache__", ".hypothesis",
                                ".pytest_cache", "*.egg-info", "results", "build", "dist")

V = "harmonics_jax/verify/"
TV = "tests/test_verify.py"
TS = "tests/test_stability.py"
TF = "tests/test_fourier.py"
FWD = "property_tests/test_theorem_forward.py"


@dataclasses.dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str  # the bug it models (and, for an equivalent mutant, why none can tell)


M = Mutant
MUTANTS: tuple[Mutant, ...] = (
    # -- the verdict: declarations, decisions, judgement by the bound --------------------
    M("report-user-tolerances-ignored", V + "_report.py",
      "    return _report(m, tolerances, None)",
      "    return _report(m, Tolerances(), None)",
      (TV + "::test_user_tolerances_change_each_verdict",),
      "verify judges with the defaults whatever the user passes"),
    M("report-batched-tolerances-ignored", V + "_report.py",
      "    return _report(m, tolerances, batch_shape)",
      "    return _report(m, Tolerances(), batch_shape)",
      (TV + "::test_user_tolerances_change_each_verdict",),
      "verify_batched judges with the defaults"),
    M("report-L-not-over-n", V + "_report.py",
      "        return gram_defect_kernel(self.weights) / self.n",
      "        return gram_defect_kernel(self.weights)",
      (TV + "::test_verify_reports_closed_form_defects",),
      "verify reports L instead of L/n as the entrywise defect"),
    M("report-operator-norm-as-max-entry", V + "_report.py",
      "        return operator_defect_kernel(self.weights)",
      "        return gram_defect_kernel(self.weights) / self.n",
      (TV + "::test_verify_judges_unitarity_in_operator_norm",),
      "unitary judged on the entrywise L/n instead of ‖F^†F/n − I‖₂"),
    M("report-unitary-judged-at-invariance-tolerance", V + "_report.py",
      '        "F^†F = n·I (Corollary 11), in operator norm", kind=H, of="unitarity_defect",\n'
      '        op="<=", tolerance=UNITARITY)',
      '        "F^†F = n·I (Corollary 11), in operator norm", kind=H, of="unitarity_defect",\n'
      '        op="<=", tolerance=INVARIANCE)',
      (TV + "::test_user_tolerances_change_each_verdict",),
      "one tolerance field read for another (equal defaults hide it)"),
    M("report-recovered-without-necessary", V + "_report.py",
      '        "every conclusion and necessary condition holds", kinds=(C, N), summary=True,',
      '        "every conclusion and necessary condition holds", kinds=(C,), summary=True,',
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "fourier_recovered forgets the necessary conditions (span, indicators)"),
    M("report-surjectivity-map-ignored", V + "_report.py",
      "        compute=lambda c: jnp.min(jnp.minimum(c.surjectivity[1], c.surjectivity[2])))",
      "        compute=lambda c: jnp.min(c.surjectivity[1]))",
      (TV + "::test_reducible_block_is_flagged",),
      "surjectivity of the map W_i not checked (only W_i[e])"),
    M("report-each-once-unsorted", V + "_report.py",
      "        return jnp.all(jnp.sort(self.matched) == jnp.arange(big_k))",
      "        return jnp.all(self.matched == jnp.arange(big_k))",
      (TV + "::test_blocks_in_another_order_are_each_irrep_once",),
      "'each irrep once' demands the blocks in the irreps' order"),
    M("report-table-errors-transposed", V + "_report.py",
      "        compute=lambda c: jnp.sum(c.table_read != c.table))",
      "        compute=lambda c: jnp.sum(c.table_read != c.table.T))",
      (TV + "::test_fourier_weights_pass_every_check",),
      "the read-back table compared with the transposed table"),
    M("judge-bound-ignored", V + "_fields.py",
      "                hit = hit | (out[m[\"given\"]] & (beyond <= threshold))",
      "                hit = hit",
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "conclusions judged on the tolerance alone (the issue's false counterexamples)"),
    M("judge-bound-without-hypotheses", V + "_fields.py",
      "                hit = hit | (out[m[\"given\"]] & (beyond <= threshold))",
      "                hit = hit | (beyond <= threshold)",
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "the bound granted to networks that do not meet the hypotheses"),
    M("judge-beyond-bound-every-block", V + "_report.py",
      "        return jnp.max(jnp.where(res <= self._valid_bounds(name), 0.0, res))  # NaN: beyond",
      "        return jnp.max(jnp.where(res <= self._valid_bounds(name), res, 0.0))  # NaN: beyond",
      (TV + "::test_a_residual_within_its_bound_is_no_counterexample",),
      "the residuals inside their bound counted as beyond it, and those beyond as inside"),
    M("judge-vacuous-bound-counts", V + "_report.py",
      "        return jnp.where(jnp.isfinite(bound) & (bound < largest), bound, 0.0)",
      "        return jnp.where(jnp.isfinite(bound), bound, 0.0)",
      (TV + "::test_a_residual_within_its_bound_is_no_counterexample",),
      "a bound above the residual's largest possible value (which says nothing) granted"),
    M("counterexample-without-hypotheses", V + "_report.py",
      '    return (v["hypotheses_met"] & ~conclusions) | (v["theorem17_hypothesis"]',
      '    return (~conclusions) | (v["theorem17_hypothesis"]',
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "a network missing the hypotheses called a counterexample"),
    M("counterexample-theorem17-dropped", V + "_report.py",
      '    return (v["hypotheses_met"] & ~conclusions) | (v["theorem17_hypothesis"]\n'
      '                                                   & ~v["table_recovered"])',
      '    return (v["hypotheses_met"] & ~conclusions)',
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "Theorem 17's hypothesis with a wrong table not flagged"),
    M("counterexample-each-once-dropped", V + "_report.py",
      '    conclusions = (v["representations_ok"] & v["irreps_equivalent"] & v["span_ok"]\n'
      '                   & v["each_irrep_once"])',
      '    conclusions = (v["representations_ok"] & v["irreps_equivalent"] & v["span_ok"])',
      (TV + "::test_every_conclusion_enters_fourier_recovered_and_every_hypothesis_"
       "hypotheses_met",),
      "an irrep matched twice under the hypotheses not flagged"),
    # -- the hypotheses (_hypotheses.py, and the invariance defect in _stability.py) ------
    M("invariance-cross-term-halved", "harmonics_jax/_core/_hypotheses.py",
      "    return t1 + 2 * t2 + t3, jnp.sum(_abs2(left)) + jnp.sum(_abs2(right))",
      "    return t1 + t2 + t3, jnp.sum(_abs2(left)) + jnp.sum(_abs2(right))",
      (TV + "::test_invariance_defect_matches_monte_carlo",),
      "one of the four orthogonal terms of ‖AA^† − BB^†‖² counted once"),
    M("invariance-denominator-left-twice", "harmonics_jax/_core/_hypotheses.py",
      "    return t1 + 2 * t2 + t3, jnp.sum(_abs2(left)) + jnp.sum(_abs2(right))",
      "    return t1 + 2 * t2 + t3, 2 * jnp.sum(_abs2(left))",
      (TV + "::test_verify_reports_closed_form_defects",),
      "E‖φ‖² with ‖Σ W W^†‖² in place of ‖Σ W^†W‖²"),
    M("report-invariance-mean-over-g", V + "_stability.py",
      "    delta = jnp.max(_safe_ratio(jnp.sqrt(num), jnp.sqrt(den)))  # NaN stays NaN",
      "    delta = jnp.mean(_safe_ratio(jnp.sqrt(num), jnp.sqrt(den)))  # NaN stays NaN",
      (TV + "::test_verify_reports_closed_form_defects",),
      "the reported invariance defect averaged over g instead of its worst g"),
    M("safe-ratio-zero-over-zero", "harmonics_jax/_core/_hypotheses.py",
      "    defined = jnp.where(pos, ratio, jnp.where(num > 0, jnp.inf, 0.0))",
      "    defined = jnp.where(pos, ratio, jnp.where(num > 0, jnp.inf, 1.0))",
      (TV + "::test_verify_reports_closed_form_defects",),
      "0/0 reported as 1 (a zero network called non-invariant)"),
    M("gram-defect-mean", "harmonics_jax/_core/_linalg.py",
      "    return jnp.max(jnp.abs(gram - n * jnp.eye(n, dtype=gram.dtype)))",
      "    return jnp.mean(jnp.abs(gram - n * jnp.eye(n, dtype=gram.dtype)))",
      (TV + "::test_gram_entry_defect_values_and_non_square_error",),
      "L as the mean entry instead of the max"),
    M("operator-defect-no-padding", "harmonics_jax/_core/_hypotheses.py",
      "    if m > n:  # F^†F has m − n zero eigenvalues: pad so that they are counted",
      "    if False:  # F^†F has m − n zero eigenvalues: pad so that they are counted",
      (TS + "::test_operator_norm_matches_eigenvalues",),
      "SURVIVES (equivalent): the zero eigenvalues of a wide F^†F forgotten; but one-sided "
      "Jacobi on the n × m F (m > n) already drives m − n columns to zero, so their singular "
      "values 0 count without the padding"),
    M("surjectivity-map-ignored", V + "_hypotheses.py",
      "    return jnp.minimum(rel_e, rel_map)", "    return rel_e",
      (TV + "::test_reducible_block_is_flagged",),
      "surjectivity() checks W_i[e] only"),
    # -- the irreps read back: the all-slices estimate, matching, span --------------------
    M("span-rank-guard-removed", V + "_recovery.py",
      "    return jnp.where(full_rank, jnp.clip(sin, 0.0, 1.0), 1.0)",
      "    return jnp.clip(sin, 0.0, 1.0)",
      (TV + "::test_rank_deficient_block_inside_the_isotypic_subspace_fails_span",),
      "a rank-deficient span inside the isotypic subspace passes"),
    M("span-coefficients-not-conjugated", V + "_recovery.py",
      "    basis = jnp.sqrt(d / n) * jnp.conj(true).reshape(n, d * d)",
      "    basis = jnp.sqrt(d / n) * true.reshape(n, d * d)",
      (TV + "::test_span_is_the_conjugate_coefficients_for_complex_characters",),
      "span compared with ρ's coefficients instead of conj(ρ)'s"),
    M("equivalence-unitary-guard-removed", V + "_recovery.py",
      "                      not_unitary) / jnp.sqrt(d)",
      "                      0.0) / jnp.sqrt(d)",
      (FWD + "::test_zero_block_is_not_equivalent_to_an_irrep",),
      "a zero block 'equivalent' through the zero intertwiner"),
    M("recover-without-dagger", V + "_recovery.py",
      "    rho = _dag(jnp.matmul(inverse(w[e]), w, precision=_HI))",
      "    rho = jnp.matmul(inverse(w[e]), w, precision=_HI)",
      (TV + "::test_fourier_weights_pass_every_check",),
      "ρ read as W[e]⁻¹W[g] instead of its adjoint (the table, Theorem 17)"),
    M("homomorphism-transposed", V + "_stability.py",
      "    hom = jnp.linalg.norm(products(rho) - rho[table], axis=(-2, -1)) / sqd",
      "    hom = jnp.linalg.norm(products(rho) - rho[table.T], axis=(-2, -1)) / sqd",
      (TV + "::test_fourier_weights_pass_every_check",),
      "ρ̃(g)ρ̃(h) compared with ρ̃(hg)"),
    M("irreducibility-off-by-one", V + "_stability.py",
      "               unitarity=jnp.max(uni), irreducibility=jnp.abs(jnp.sum(_abs2(chi)) / n - 1),",
      "               unitarity=jnp.max(uni), irreducibility=jnp.abs(jnp.sum(_abs2(chi)) / (n - 1)"
      " - 1),",
      (TV + "::test_reducible_block_is_flagged",),
      "character norm averaged over n − 1 elements"),
    M("match-farthest-character", V + "_recovery.py",
      "    best = jnp.argmin(rms)", "    best = jnp.argmax(rms)",
      (TV + "::test_fourier_weights_pass_every_check",),
      "each block matched to the farthest character"),
    M("intertwiner-smallest", V + "_recovery.py",
      "    pick = jnp.argmax(jnp.sum(t.real**2 + t.imag**2, axis=(1, 2)))",
      "    pick = jnp.argmin(jnp.sum(t.real**2 + t.imag**2, axis=(1, 2)))",
      (TV + "::test_fourier_weights_pass_every_check",),
      "the intertwiner built from the matrix unit that makes it smallest (often 0)"),
    M("blocks-gathered-out-of-order", "harmonics_jax/_core/_blocks.py",
      "            else stacked[self.back]",
      "            else stacked",
      (TV + "::test_blocks_in_another_order_are_each_irrep_once",
       TV + "::test_a_larger_block_first_keeps_every_per_block_result_in_block_order",
       TV + "::test_span_fails_for_mixed_isotypic_components"),
      "per-block results of several dimensions left in dimension order, not block order"),
    # -- the table and Theorem 17's certificate (_table.py) -------------------------------
    M("t17-certificate-constant-doubled", V + "_table.py",
      "    cond = (big_l <= n / 2) & (worst < sep / 2)",
      "    cond = (big_l <= n / 2) & (worst < sep)",
      (TV + "::test_readback_certificate_closed_form", TV),
      "the read-back certificate at the full separation instead of half"),
    M("t17-separation-2L", V + "_table.py",
      "    sep = jnp.sqrt(jnp.maximum(2 * n - 4 * big_l, 0.0))",
      "    sep = jnp.sqrt(jnp.maximum(2 * n - 2 * big_l, 0.0))",
      (TV + "::test_readback_certificate_closed_form", TV),
      "separation √(2n − 2L̂) instead of √(2n − 4L̂)"),
    M("table-score-cross-term-halved", V + "_table.py",
      "        score = score + d * (sq[None, :] - 2 * inner)",
      "        score = score + d * (sq[None, :] - inner)",
      (TV + "::test_table_is_the_nearest_product_when_slices_have_unequal_norms",
       TV, "property_tests/test_approximate_invariance.py"),
      "‖P − ρ(l)‖² with the cross term halved: the same argmin whenever all read-back slices "
      "have equal norm (unitary ρ), so only a network with slices of unequal norm tells it "
      "apart"),
    M("table-argmax", V + "_table.py",
      "    return jnp.argmin(score, axis=-1).reshape(n, n)",
      "    return jnp.argmax(score, axis=-1).reshape(n, n)",
      (TV,), "the farthest slice read as the product"),
    # -- small linear algebra (_linalg.py) -------------------------------------------------
    M("qr-single-pass", "harmonics_jax/_core/_linalg.py",
      "        for _ in range(2):  # columns ≥ j of q are still zero, so they contribute nothing",
      "        for _ in range(1):  # columns ≥ j of q are still zero, so they contribute nothing",
      (TV + "::test_invariance_defect_has_no_cancellation_floor", TV),
      "SURVIVES (numerically equivalent on the suite's inputs): Gram–Schmidt without "
      "re-orthogonalisation loses orthogonality like eps·cond²; every stack the tests "
      "factor has a condition number below ~4, where one pass is already orthogonal to "
      "round-off"),
    M("inverse-upper-includes-diagonal", "harmonics_jax/_core/_linalg.py",
      "        upper = jnp.where(cols > i, r[i], 0)",
      "        upper = jnp.where(cols >= i, r[i], 0)",
      (TV,), "SURVIVES (equivalent): back substitution also subtracting the pivot's own "
      "column, r[i, i]·x[i], where x[i] is still zero when row i is solved"),
    M("jacobi-one-sweep", "harmonics_jax/_core/_linalg.py",
      "def singular_values(a: Array, sweeps: int = 12) -> Array:",
      "def singular_values(a: Array, sweeps: int = 1) -> Array:",
      (TS + "::test_operator_norm_matches_eigenvalues", TV, TS),
      "one Jacobi sweep: singular values not converged"),
    M("jacobi-rotation-sign", "harmonics_jax/_core/_linalg.py",
      "        x_new, y_new = c * x - s * y, s * x + c * y",
      "        x_new, y_new = c * x + s * y, -s * x + c * y",
      (TS + "::test_operator_norm_matches_eigenvalues", TV, TS),
      "Jacobi rotation in the wrong direction"),
    M("polar-wrong-coefficient", "harmonics_jax/_core/_linalg.py",
      "        return jnp.matmul(x, 1.5 * eye - 0.5 * jnp.matmul(dag(x), x, precision=_HI),",
      "        return jnp.matmul(x, 1.0 * eye - 0.5 * jnp.matmul(dag(x), x, precision=_HI),",
      (TV, TS), "Newton–Schulz step with the wrong coefficient"),
    M("rank-cut-zero", "harmonics_jax/_core/_linalg.py",
      "    return 16 * max(a.shape) * eps * scale", "    return 0 * max(a.shape) * eps * scale",
      (TV + "::test_singular_A_is_flagged_as_not_surjective", TV),
      "rank deficiency never detected (division by vanishing pivots)"),
    # -- input validation (_validate.py) ---------------------------------------------------
    M("irreps-homomorphism-unchecked", "harmonics_jax/_core/_checks.py",
      "        if hom[g, h] > tol * np.sqrt(d):",
      "        if hom[g, h] > 1e9:",
      (TV + "::test_bad_input_raises_clear_errors",), "a non-representation accepted as true irrep"),
    M("irreps-character-norm-unchecked", "harmonics_jax/_core/_checks.py",
      "        if abs(norm - 1) > tol * d:", "        if False:",
      (TS + "::test_true_irreps_are_validated",), "a reducible 'irrep' accepted"),
    M("irreps-orthogonality-unchecked", "harmonics_jax/_core/_checks.py",
      "            if overlap > tol * d:", "            if False:",
      (TS + "::test_true_irreps_are_validated",), "a repeated irrep accepted"),
    M("weights-order-unchecked", V + "_validate.py",
      "    if order is not None and n != order:", "    if False:",
      (TV + "::test_bad_input_raises_clear_errors",),
      "weights of the wrong order reach the kernels"),
    # -- the stability bound (_stability.py) -----------------------------------------------
    M("bound-homomorphism-constant", V + "_stability.py",
      "    hom = _over(3 * eps, s_d)", "    hom = _over(2 * eps, s_d)",
      (TS + "::test_closed_form_bounds_on_a_two_dimensional_block", TS),
      "Lemma B with 2ε instead of 3ε"),
    M("bound-lemma-a-second-order-dropped", V + "_stability.py",
      "            _over(d_bound[None], s_d) + _over(s_1 * d_bound[None] ** 2, s_d**4), axis=1)",
      "            _over(d_bound[None], s_d), axis=1)",
      (TS + "::test_closed_form_bounds_on_the_trivial_block", TS),
      "Lemma A without its second-order term"),
    M("bound-equivalence-kappa", V + "_stability.py",
      "    xi = _over(hom * (1 + kappa), tau)", "    xi = _over(hom * kappa, tau)",
      (TS + "::test_closed_form_bounds_on_a_two_dimensional_block", TS),
      "Lemma C with κ instead of 1 + κ"),
    M("bound-irreducibility-power", V + "_stability.py",
      "    irr = 2 * d * sqd * xi_rms", "    irr = 2 * d * xi_rms",
      (TS + "::test_closed_form_bounds_on_a_two_dimensional_block", TS),
      "Lemma D with d instead of d^{3/2}"),
    M("bound-span-without-eps", V + "_stability.py",
      '    span = _over(jnp.sqrt(jnp.asarray(n, eps.dtype)) * (c["identity_norm"] * xi_rms '
      '+ eps_rms),',
      '    span = _over(jnp.sqrt(jnp.asarray(n, eps.dtype)) * (c["identity_norm"] * xi_rms),',
      (TS + "::test_closed_form_bounds_on_a_two_dimensional_block", TS),
      "Lemma E forgets the slices' own Procrustes residual"),
    M("bound-always-defined", V + "_stability.py",
      "    defined = eps < s_d**2 / (2 * s_1)", "    defined = eps >= 0",
      (TS + "::test_no_bound_is_claimed_where_the_estimate_is_not_defined", TS),
      "bounds claimed where the polar factor is not unique"),
    M("bound-no-roundoff-allowance", V + "_stability.py",
      "        rnd = 8 * n * d * eps_mach", "        rnd = 0 * n * d * eps_mach",
      (TS + "::test_bounds_hold_in_single_precision", TS),
      "no round-off allowance: exact networks in complex64 'violate' their bound"),
    M("procrustes-transposed-table", V + "_stability.py",
      "    shifted = w[table]  # [g, k] -> W[gk]", "    shifted = w[table.T]  # [g, k] -> W[gk]",
      (TS + "::test_estimate_matches_an_svd_oracle", TS),
      "ρ̃(g) fitted to W[kg] instead of W[gk]"),
    # -- Theorem 17's hypothesis (_theorem17.py) -------------------------------------------
    M("t17-bound-plus-one-dropped", V + "_theorem17.py",
      "                      / (jnp.sqrt(n + big_l) + 1), 0.0)",
      "                      / jnp.sqrt(n + big_l), 0.0)",
      (TS + "::test_theorem17_hypothesis_and_the_readback_certificate_disagree",),
      "β without the +1 of the proof's triangle inequality"),
    M("t17-epsilon-without-sqrt-d", V + "_theorem17.py",
      "    return hat, jnp.sqrt(jnp.asarray(w.shape[-1], resid.dtype)) * resid",
      "    return hat, resid",
      (TS + "::test_theorem17_epsilon_uses_the_normalised_norm_and_the_right_action",),
      "ε in the Frobenius instead of the normalised norm"),
    M("t17-epsilon-min-over-blocks", V + "_theorem17.py",
      "        eps = jnp.maximum(eps, jnp.max(resid, axis=0))",
      "        eps = jnp.maximum(eps, jnp.min(resid, axis=0))",
      (TS + "::test_theorem17_hypothesis_and_the_readback_certificate_disagree",),
      "ε as the best block instead of the worst"),
    M("t17-L-condition-dropped", V + "_theorem17.py",
      "    return Theorem17Hypothesis(eps, eps_max, bound, big_l, ok_l & (eps_max < bound))",
      "    return Theorem17Hypothesis(eps, eps_max, bound, big_l, eps_max < bound)",
      (TS,), "EQUIVALENT: β is set to 0 when L̂ > n/2 and ε ≥ 0, so 'ε < β' is already "
      "False there; the explicit L̂ ≤ n/2 is kept for readability"),
    # -- the Fourier kernels (_fourier.py) -------------------------------------------------
    M("fourier-no-conjugate", "harmonics_jax/_fourier.py",
      '    return [jnp.einsum("...g,gji->...ij", x, jnp.conj(rho.astype(x.dtype)), '
      'precision=_HIGHEST)',
      '    return [jnp.einsum("...g,gji->...ij", x, rho.astype(x.dtype), precision=_HIGHEST)',
      (TF, "harmonics_jax/_fourier.py"), "x̂(ρ) = Σ x(g) ρ(g)ᵀ instead of ρ(g)^†"),
    M("inverse-without-dimension", "harmonics_jax/_fourier.py",
      "    terms = [rho.shape[-1] * jnp.einsum(", "    terms = [1 * jnp.einsum(",
      (TF, "harmonics_jax/_fourier.py"), "inverse transform without the d_ρ weights"),
    M("inverse-trace-transposed", "harmonics_jax/_fourier.py",
      '    terms = [rho.shape[-1] * jnp.einsum("gij,...ji->...g", rho.astype(b.dtype), b,',
      '    terms = [rho.shape[-1] * jnp.einsum("gij,...ij->...g", rho.astype(b.dtype), b,',
      (TF, "harmonics_jax/_fourier.py"), "tr(ρ(g) x̂ᵀ) instead of tr(ρ(g) x̂)"),
    M("act-by-g-not-inverse", "harmonics_jax/_fourier.py",
      "    return jnp.take(x, table[inverse[g]], axis=-1)",
      "    return jnp.take(x, table[g], axis=-1)",
      (TF, "harmonics_jax/_fourier.py"), "(g·x)(h) = x(gh) instead of x(g⁻¹h)"),
    M("convolve-without-inverse", "harmonics_jax/_fourier.py",
      "    shifted = jnp.take(y, table[inverse], axis=-1)",
      "    shifted = jnp.take(y, table, axis=-1)",
      (TF, "harmonics_jax/_fourier.py",
       "property_tests/test_fourier_laws.py::"
       "test_action_is_a_left_action_and_a_convolution_by_a_delta"),
      "(x ⋆ y)(g) = Σ x(h) y(hg) instead of y(h⁻¹g)"),
    M("power-spectrum-transpose", "harmonics_jax/_fourier.py",
      "    return [jnp.matmul(b, jnp.conj(jnp.swapaxes(b, -1, -2)), precision=_HIGHEST)",
      "    return [jnp.matmul(b, jnp.swapaxes(b, -1, -2), precision=_HIGHEST)",
      (TF, "harmonics_jax/_fourier.py"), "x̂x̂ᵀ instead of x̂x̂^† (not invariant)"),
    # -- the group layer the verdicts rely on (_group.py) ----------------------------------
    M("light-test-skipped", "harmonics_jax/_group.py",
      "    for y in _generating_set(arr):", "    for y in []:",
      ("tests/test_groups.py::test_light_test_agrees_with_brute_force_on_random_loops",),
      "associativity never checked (only the random-loops test's target)"),
    M("identity-assumed-at-zero", "harmonics_jax/_group.py",
      "    return jnp.argmax(jnp.all(table == jnp.arange(n)[None, :], axis=1))",
      "    return jnp.asarray(0)",
      ("tests/test_runner.py::test_cli_sweep_on_a_user_table",),
      "the identity assumed at label 0 (the CLI test's table has it at label 2)"),
)


def _copy(dest: Path) -> None:
    for item in ("harmonics_jax", "tests", "property_tests", "benchmarks"):
        shutil.copytree(REPO / item, dest / item, ignore=IGNORE)
    for item in ("pyproject.toml", "README.md"):
        if (REPO / item).exists():
            shutil.copy2(REPO / item, dest / item)


def _env(root: Path, cache: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    env["JAX_COMPILATION_CACHE_DIR"] = str(cache)
    env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    env.pop("HARMONICS_PROFILE", None)  # the ci profile: derandomised, reproducible
    return env


def run_mutant(mutant: Mutant | None, tests: tuple[str, ...], cache: Path,
               timeout: float) -> dict:
    """Apply ``mutant`` (None: the unmutated code) to a fresh copy and run ``tests``."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        root = Path(tmp)
        _copy(root)
        if mutant is not None:
            target = root / mutant.path
            text = target.read_text()
            if text.count(mutant.old) != 1:
                return dict(status="stale", seconds=0.0,
                            detail=f"the text to replace occurs {text.count(mutant.old)} "
                                   f"times in {mutant.path}")
            target.write_text(text.replace(mutant.old, mutant.new))
        env = _env(root, cache)
        where = subprocess.run([sys.executable, "-c",
                                "import harmonics_jax; print(harmonics_jax.__file__)"],
                               cwd=root, env=env, capture_output=True, text=True)
        if not where.stdout.strip().startswith(str(root)):
            return dict(status="error", seconds=0.0,
                        detail=f"the copy is not the code under test: {where.stdout!r}")
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly",
               "-p", "no:cacheprovider", *tests]
        try:
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return dict(status="timeout", seconds=time.perf_counter() - start, detail="")
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    last = lines[-1] if lines else proc.stderr[-300:]
    failed = [ln.split(" - ")[0] for ln in lines if ln.startswith("FAILED ")]
    status = {0: "survived", 1: "killed"}.get(proc.returncode, "error")
    return dict(status=status, seconds=time.perf_counter() - start, detail=last,
                killed_by=failed[:1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these mutants only")
    parser.add_argument("--tests", nargs="+", metavar="TEST",
                        help="run every selected mutant against these tests instead of its own")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per mutant")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "harmonics-mutants-jax-cache")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip running the selected tests on the unmutated code first")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:48s} {m.path}: {m.why}")
        return 0
    names = {m.name for m in MUTANTS}
    unknown = sorted(set(args.only or ()) - names)
    if unknown:
        parser.error(f"unknown mutant(s) {unknown}; see --list")
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.baseline:
        union = tuple(dict.fromkeys(t for m in chosen for t in (args.tests or m.tests)))
        base = run_mutant(None, union, args.cache, args.timeout * 2)
        print(f"baseline (unmutated, {len(union)} selections): {base['status']} "
              f"in {base['seconds']:.0f} s  {base['detail']}", flush=True)
        if base["status"] != "survived":
            print("the tests fail without any mutant: fix that first", file=sys.stderr)
            return 2
    results = []
    for m in chosen:
        r = run_mutant(m, tuple(args.tests or m.tests), args.cache, args.timeout)
        results.append(dict(name=m.name, path=m.path, why=m.why, **r))
        by = f" by {r['killed_by'][0]}" if r.get("killed_by") else ""
        print(f"{r['status']:9s} {m.name:48s} {r['seconds']:6.0f} s{by}", flush=True)
    counts = {s: sum(r["status"] == s for r in results)
              for s in ("killed", "survived", "error", "timeout", "stale")}
    print("tried {}: ".format(len(results)) + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for r in results:
        if r["status"] != "killed":
            print(f"  {r['status']}: {r['name']} — {r['why']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(dict(counts=counts, results=results), indent=1))
    return 0 if counts["survived"] == counts["error"] == counts["timeout"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
