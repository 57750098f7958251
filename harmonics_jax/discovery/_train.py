r"""Training power-spectral networks on data: pairs (x, y) with y = σ·x for unknown σ.

Objective, for one network F (stacked as ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``,
CONVENTIONS.md) and a minibatch of the given pairs:

    mean_batch Σ_i ‖φ_i(x) − φ_i(y)‖²_F,

with ``F/√n`` kept exactly unitary by :func:`harmonics_jax.optim.unitary_adam` (the recipe of
:mod:`harmonics_jax.training`: Riemannian Adam, rounds of warm-up and cosine decay, a
Newton–Schulz retraction).  No table is used anywhere: minibatches are drawn from the pairs
by key, and the re-draw between rounds (:func:`harmonics_jax.optim.redraw_noninvariant_blocks`
with the table) is replaced by a *data* defect per block, on held-out pairs,

    δ_i = 2 Σ_pairs ‖φ_i(x) − φ_i(y)‖²_F / Σ_pairs (‖φ_i(x)‖²_F + ‖φ_i(y)‖²_F),

which for unitary networks and Gaussian signals is, in expectation, the table-based
:func:`harmonics_jax.models.block_invariance_defects` (both numerator and denominator are
2‖S_i‖² times the same factors), so the recipe's threshold (1e-2) carries over.  Noise adds
the same floor 2σ²(1+σ²)/(1+(1+σ²)²) to every invariant block, so a block is re-drawn when
its δ_i exceeds the smallest δ_j of the network by more than the threshold.

Every network of every layout trains in one program: ``vmap`` over seeds and over layouts
(:mod:`._layouts`), ``lax.scan`` over steps; one compilation per (n, number of layouts,
largest block dim, number of seeds, config).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.typing import ArrayLike
from jaxtyping import Array, Float, PRNGKeyArray, Shaped

from .._core._layout import check_block_dims
from .._core._linalg import newton_schulz
from .._core._random import masked_haar
from ..models import random_unitary_matrix
from ..optim import restart_round, unitary_adam
from ..training import TrainConfig
from ._layouts import PaddedLayouts, block_sums, padded_layouts, spectra

__all__ = ["PairTraining", "train_on_pairs", "check_pairs", "standardize_pairs",
           "MIN_PAIRS"]

MIN_PAIRS = 64
_REDRAW_PAIRS = 256  # held-out pairs that decide the re-draws between rounds
_MAX_HELDOUT = 2048


class PairTraining(NamedTuple):
    r"""Networks trained on pairs: leading axes (layout, seed).

    Attributes:
        block_dims: the layouts, one tuple of block dimensions per layout.
        F: the stacked weights, ``(C, S, n, n)``; ``F[c, s]`` with ``block_dims[c]`` is one
            network (``SpectralWeights(F[c, s], block_dims[c])``).
        heldout_defect: ``(C, S)`` √(2 Σ_i L_i / Σ_i P_i) on the held-out pairs, with L_i the
            summed ‖φ_i(x) − φ_i(y)‖² and P_i the summed ‖φ_i(x)‖² + ‖φ_i(y)‖²: the data
            analogue of :func:`harmonics_jax.verify.invariance_defect` (mean over the data's
            σ instead of the maximum over the group).
        block_defects: ``(C, S, n)`` δ_i per block (zeros beyond each layout's blocks).
        loss_curve: ``(C, S, L)`` mean training loss of every ``log_every`` steps.
        pairs: m, the number of pairs given.
        heldout_pairs: how many of them were held out (the rest trained).
    """

    block_dims: tuple[tuple[int, ...], ...]
    F: Shaped[Array, "C S n n"]
    heldout_defect: Float[Array, "C S"]
    block_defects: Float[Array, "C S n"]
    loss_curve: Float[Array, "C S L"]
    pairs: int
    heldout_pairs: int


def check_pairs(x: object, y: object, fn: str, *, min_pairs: int = MIN_PAIRS
                ) -> tuple[np.ndarray, np.ndarray]:
    """Validate the pairs: two numeric arrays of one shape (m, n), m ≥ ``min_pairs``,
    finite; returns them as complex128 NumPy arrays."""
    out = []
    for name, a in (("x", x), ("y", y)):
        try:
            arr = np.asarray(a)
        except Exception as err:  # ragged lists and the like
            raise ValueError(f"{fn}: {name} could not be read as an array ({err}); pass an "
                             f"(m, n) array, one signal per row") from None
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                     or np.issubdtype(arr.dtype, np.inexact)):
            raise TypeError(f"{fn}: {name} must be a real or complex numeric array, got dtype "
                            f"{arr.dtype}")
        if arr.ndim != 2 or 0 in arr.shape:
            raise ValueError(f"{fn}: {name} must have shape (m, n) (m pairs of signals on n "
                             f"coordinates), got shape {arr.shape}")
        out.append(arr)
    x_arr, y_arr = out
    if x_arr.shape != y_arr.shape:
        raise ValueError(f"{fn}: x has shape {x_arr.shape} but y has {y_arr.shape}; row k of "
                         f"y must be the transformed row k of x")
    for name, arr in (("x", x_arr), ("y", y_arr)):
        bad = np.argwhere(~np.isfinite(arr))
        if bad.size:
            k, h = bad[0]
            raise ValueError(f"{fn}: {name}[{k}, {h}] = {arr[k, h]} is not finite "
                             f"({len(bad)} such entries); drop or repair those pairs")
    m, n = x_arr.shape
    if m < min_pairs:
        raise ValueError(f"{fn}: only {m} pairs; need at least {min_pairs} (a few hundred "
                         f"to thousands for a reliable discovery: the held-out pairs decide "
                         f"between the candidate structures)")
    return x_arr.astype(np.complex128), y_arr.astype(np.complex128)


def standardize_pairs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Subtract one scalar c·(1, …, 1) from every signal and divide by one scale s, so that
    the signals have mean 0 and E|x_h|² = 1.  Both maps commute with every permutation of the
    coordinates, so (x − c)/s and (y − c)/s are again pairs y' = σ·x' (noise scaled by 1/s).
    """
    c = 0.5 * (x.mean() + y.mean())
    s = math.sqrt(float(np.mean(np.abs(x - c) ** 2)))
    if not s > 0:
        raise ValueError("x carries no signal: every entry is the same number, so no "
                         "symmetry can be read from it")
    return (x - c) / s, (y - c) / s


def _defects(F, lay, x, y):
    """Per-block δ_i and the network's held-out defect on the pairs (x, y)."""
    n = F.shape[-1]
    b = x.shape[0]
    phi = spectra(jnp.concatenate([x, y], axis=0) @ F, lay.left, lay.right, lay.scale)
    px, py = phi[:b], phi[b:]
    d = px - py
    loss = block_sums(jnp.sum(d.real**2 + d.imag**2, axis=0), lay.out_block, n)
    power = block_sums(jnp.sum(px.real**2 + px.imag**2 + py.real**2 + py.imag**2, axis=0),
                       lay.out_block, n)
    tiny = jnp.finfo(power.dtype).tiny
    delta = jnp.where(lay.valid, 2 * loss / jnp.maximum(power, tiny), 0.0)
    total = jnp.sqrt(2 * jnp.sum(loss) / jnp.maximum(jnp.sum(power), tiny))
    return delta, total


def _fit(key, lay, xtr, ytr, xev, yev, lr, config: TrainConfig, batch: int):
    """One network of one layout, trained on the pairs (see the module docstring)."""
    n = xtr.shape[-1]
    m = xtr.shape[0]
    tx = unitary_adam(lr, steps=config.steps, rounds=config.rounds,
                      warmup_steps=config.warmup_steps, final_lr_ratio=config.final_lr_ratio,
                      decay=config.schedule, retraction_iters=config.retraction_iters)
    windows = config.steps // (config.rounds * config.log_every)
    k_init, k_data, k_redraw = jax.random.split(key, 3)
    x_rd, y_rd = xev[:_REDRAW_PAIRS], yev[:_REDRAW_PAIRS]

    def loss_fn(F, t):
        idx = jax.random.randint(jax.random.fold_in(k_data, t), (batch,), 0, m)
        phi = spectra(jnp.concatenate([xtr[idx], ytr[idx]], axis=0) @ F, lay.left, lay.right,
                      lay.scale)
        d = phi[:batch] - phi[batch:]
        return jnp.sum(d.real**2 + d.imag**2) / batch

    def step(carry, t):
        F, state = carry
        loss, g = jax.value_and_grad(loss_fn)(F, t)
        updates, state = tx.update(jnp.conj(g), state, F)  # optax's complex convention
        return (optax.apply_updates(F, updates), state), loss

    def one_round(carry, r):
        def window(c, i):
            c, losses = jax.lax.scan(step, c, (r * windows + i) * config.log_every
                                     + jnp.arange(config.log_every))
            return c, jnp.mean(losses)

        (F, state), curve = jax.lax.scan(window, carry, jnp.arange(windows))
        if config.rounds > 1:  # re-draw the blocks still off the data's invariance
            delta, _ = _defects(F, lay, x_rd, y_rd)
            floor = jnp.min(jnp.where(lay.valid, delta, jnp.inf))
            bad = lay.valid & (delta - floor > config.reset_threshold) \
                & (r < config.rounds - 1)
            U = masked_haar(jax.random.fold_in(k_redraw, r), bad[lay.col_block], F.dtype)
            F = F @ U
            state = restart_round(tx, state, F, jnp.any(bad))
        return (F, state), curve

    F = random_unitary_matrix(k_init, n, config.complex_dtype)
    (F, _), curve = jax.lax.scan(one_round, (F, tx.init(F)), jnp.arange(config.rounds))
    F = newton_schulz(F / math.sqrt(n), 3) * math.sqrt(n)  # polish the constraint
    delta, total = _defects(F, lay, xev, yev)
    return F, total, delta, curve.reshape(-1)


def _fit_all(keys, lay: PaddedLayouts, xtr, ytr, xev, yev, lr, config, batch):
    over_seeds = jax.vmap(_fit, in_axes=(0, None, None, None, None, None, None, None, None))
    over_layouts = jax.vmap(over_seeds, in_axes=(None, 0, None, None, None, None, None, None,
                                                 None))
    return over_layouts(keys, lay, xtr, ytr, xev, yev, lr, config, batch)


_fit_all_jit = jax.jit(_fit_all, static_argnames=("config", "batch"))


def train_on_pairs(key: PRNGKeyArray, x: Shaped[ArrayLike, "m n"], y: Shaped[ArrayLike, "m n"],
                   block_dims: Sequence[Sequence[int]], *, num_seeds: int = 4,
                   config: TrainConfig = TrainConfig(), learning_rate: float = 0.3,
                   heldout: int | None = None) -> PairTraining:
    r"""Train ``num_seeds`` power-spectral networks for each layout in ``block_dims`` on the
    pairs ``(x[k], y[k])`` (see the module docstring), all in one jitted program.

    The pairs are standardised (:func:`standardize_pairs`) and split by ``key`` into
    training pairs and ``heldout`` held-out pairs (default: a fifth of them, at most 2048),
    which decide the re-draws and give the defects.  Seed ``s`` uses the key
    ``fold_in(key, s)`` for every layout.  From ``config`` (a
    :class:`~harmonics_jax.training.TrainConfig`) the recipe fields are used: steps, rounds,
    warm-up, schedule, final learning-rate ratio, re-draw threshold, retraction iterations,
    batch size (default :func:`~harmonics_jax.training.default_batch_size`), log interval,
    dtype; exact unitarity is the only constraint.

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> from harmonics_jax.models import sample_orbit_pairs
        >>> from harmonics_jax.training import TrainConfig
        >>> x, y = sample_orbit_pairs(jax.random.key(1), hj.named_group("C3").table, 200,
        ...                           0.0, jnp.complex64)
        >>> cfg = TrainConfig(steps=400, rounds=2, warmup_steps=20)
        >>> r = train_on_pairs(jax.random.key(0), x, y, [(1, 1, 1)], num_seeds=2, config=cfg)
        >>> r.F.shape, bool((r.heldout_defect < 1e-3).all())
        ((1, 2, 3, 3), True)
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"train_on_pairs: config must be a TrainConfig, got "
                        f"{type(config).__name__}")
    if config.constraint != "unitary" or config.objective not in (None, "sampled"):
        raise ValueError(f"train_on_pairs: only constraint='unitary' with objective='sampled' "
                         f"(or unset) trains on data (got constraint={config.constraint!r}, "
                         f"objective={config.objective!r}); the expected objective needs the "
                         f"group's table")
    config = config.resolved()  # rounds, warm-up and log cadence chosen from the steps
    x_np, y_np = check_pairs(x, y, "train_on_pairs")
    m, n = x_np.shape
    layouts = _check_layouts(block_dims, n, "train_on_pairs")
    if isinstance(num_seeds, bool) or not isinstance(num_seeds, (int, np.integer)) \
            or num_seeds < 1:
        raise ValueError(f"train_on_pairs: num_seeds must be a positive integer, got "
                         f"{num_seeds!r}")
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate)
            and learning_rate > 0):
        raise ValueError(f"train_on_pairs: learning_rate must be a positive number, got "
                         f"{learning_rate!r}")
    h = min(_MAX_HELDOUT, m // 5) if heldout is None else heldout
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or not 1 <= h <= m - 1:
        raise ValueError(f"train_on_pairs: heldout must be an integer in [1, m − 1] = "
                         f"[1, {m - 1}], got {heldout!r}")
    xs, ys = standardize_pairs(x_np, y_np)
    k_split, k_fit = jax.random.split(_as_key(key))
    order = np.asarray(jax.random.permutation(k_split, m))
    cdtype = config.complex_dtype
    xs, ys = jnp.asarray(xs[order], cdtype), jnp.asarray(ys[order], cdtype)
    keys = jax.vmap(lambda s: jax.random.fold_in(k_fit, s))(jnp.arange(num_seeds))
    batch = config.batch_size_for(n)
    F, total, delta, curve = _fit_all_jit(
        keys, padded_layouts(layouts, n), xs[h:], ys[h:], xs[:h], ys[:h],
        jnp.asarray(learning_rate, config.real_dtype), config, batch)
    return PairTraining(tuple(layouts), F, total, delta, curve, int(m), int(h))


def _check_layouts(block_dims, n: int, fn: str) -> list[tuple[int, ...]]:
    if isinstance(block_dims, (str, bytes)) or not isinstance(block_dims, Sequence) \
            or not block_dims:
        raise TypeError(f"{fn}: block_dims must be a non-empty list of layouts, each a tuple "
                        f"of block dimensions with Σ d² = n, e.g. [(1, 1, 2)]")
    if any(isinstance(dims, (int, np.integer)) for dims in block_dims):
        raise TypeError(f"{fn}: block_dims must be a non-empty list of layouts, got one "
                        f"layout {tuple(block_dims)!r}; wrap it: [{tuple(block_dims)!r}]")
    return [check_block_dims(dims, n, what=f"{fn}: block_dims[{c}]")
            for c, dims in enumerate(block_dims)]


def _as_key(key) -> PRNGKeyArray:
    if isinstance(key, (int, np.integer)):
        raise TypeError("key must be a JAX PRNG key such as jax.random.key(0), got an int")
    if not jnp.issubdtype(jnp.asarray(key).dtype, jax.dtypes.prng_key):
        key = jax.random.wrap_key_data(jnp.asarray(key))
    return key

