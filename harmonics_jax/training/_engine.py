r"""Training engine: one network with ``train``, many with ``sweep`` (vmap over seeds and a
hyper-parameter axis, seeds sharded over devices).

What recompiles: ``train``/``sweep`` compile once per (group order, block dims,
:class:`TrainConfig`, number of seeds after padding, length of the hyper-parameter axis).
The group *table* and the values in :class:`Hyperparams` (learning rate, penalty weight,
noise std) are traced array inputs: a different group of the same order or new values reuse
the compiled program.  Everything inside training (data sampling, Adam, retraction, the loss
curve every ``log_every`` steps) runs in one ``lax.scan`` with no host round trips.

Devices: ``sweep`` places the seed axis on a 1-D mesh over ``jax.devices()`` with
``NamedSharding(mesh, P(None, "seeds"))``, padding the seed count to a multiple of the device
count (padding repeats the first seed's key and is dropped from the result).  Networks never
communicate, so the program is embarrassingly parallel.

Multi-host: call ``jax.distributed.initialize()`` on every process before anything else (with
the coordinator address, process count and id, or from the cluster environment), then run the
*same* ``sweep`` call with the *same* key on every process.  ``jax.devices()`` then lists the
devices of all hosts; the key array is built with ``jax.make_array_from_callback`` so each
process materialises only its own shard, and every process gets a global result array whose
shards live on its devices.  Gather it on every host with
``jax.experimental.multihost_utils.process_allgather(result)`` before converting to NumPy.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
from jaxtyping import Array, Complex, Float, PRNGKeyArray

from .._irreps import irrep_dims
from ..models._blocks import check_block_dims
from ..models._power_spectral import random_unitary_matrix, unitary_qr_factor
from ._config import Hyperparams, TrainConfig, check_hyperparams
from ._objective import (
    block_invariance_defects,
    complex_normal,
    expected_invariance_loss,
    invariance_defect,
    invariance_loss,
    sample_orbit_pairs,
    unitarity_defect,
    unitarity_penalty,
)

__all__ = ["TrainResult", "train", "sweep", "trace_counts", "resolve_block_dims"]

# How many times each jitted entry point has been traced (incremented only while tracing).
_TRACES: Counter = Counter()


def trace_counts() -> dict[str, int]:
    """Number of traces (≈ compilations) of ``train`` and ``sweep`` so far, by name."""
    return dict(_TRACES)


class TrainResult(NamedTuple):
    r"""Trained networks, with leading axes ``()`` for ``train`` and ``(H, S)`` for ``sweep``
    (hyper-parameter axis, seed axis).

    Attributes:
        F: the stacked weights ``F[g, (i, j, k)] = √d_i W_i[g]_{jk}``, shape ``(..., n, n)``;
            split with ``blocks_from_matrix(F, block_dims)``.
        loss_curve: mean training loss of each window of ``log_every`` steps.
        invariance_defect: relative invariance defect on held-out signals, every g.
        unitarity_defect: ``max |F F^† − n·I| / n``.
    """

    F: Complex[Array, "*s n n"]
    loss_curve: Float[Array, "*s L"]
    invariance_defect: Float[Array, "*s"]
    unitarity_defect: Float[Array, "*s"]


def _table_of(group) -> np.ndarray:
    table = np.asarray(getattr(group, "table", group))
    if table.ndim != 2 or table.shape[0] != table.shape[1]:
        raise ValueError(f"group: expected a FiniteGroup or an (n, n) Cayley table, got shape "
                         f"{table.shape}")
    return table.astype(np.int32)


def resolve_block_dims(group, config: TrainConfig) -> tuple[int, ...]:
    """``config.block_dims`` checked against the group order, or the irrep dimensions."""
    n = _table_of(group).shape[0]
    if config.block_dims is not None:
        return check_block_dims(config.block_dims, n, what="TrainConfig.block_dims")
    if not hasattr(group, "class_index"):
        raise ValueError("TrainConfig.block_dims is None, which means the irrep dimensions of "
                         "the group, but a bare table was given; pass a FiniteGroup or set "
                         "block_dims")
    return irrep_dims(group)


def _learning_rate(step, peak, config: TrainConfig):
    """Within each round: linear warm-up to ``peak``, then decay to ``peak·final_lr_ratio``."""
    real = config.real_dtype
    length = config.steps // config.rounds
    t = (step % length).astype(real)
    w = max(config.warmup_steps, 1)
    warm = jnp.minimum((t + 1) / w, 1.0)
    frac = jnp.clip((t - config.warmup_steps) / (length - config.warmup_steps), 0.0, 1.0)
    r = config.final_lr_ratio
    if config.schedule == "cosine":
        decay = r + (1 - r) * 0.5 * (1 + jnp.cos(jnp.pi * frac))
    elif config.schedule == "exponential":
        decay = jnp.asarray(r, real) ** frac
    else:
        decay = jnp.ones_like(frac)
    return (peak * warm * decay).astype(real)


def _masked_haar(key, mask, dtype):
    r"""Unitary ``U`` equal to the identity on the columns where ``mask`` is False and Haar
    random on the span of the others (QR of a Gaussian supported on mask × mask; phases of
    R's diagonal absorbed so the identity part stays exactly the identity)."""
    n = mask.shape[0]
    Z = complex_normal(key, (n, n), dtype)
    both = mask[:, None] & mask[None, :]
    return unitary_qr_factor(jnp.where(both, Z, jnp.eye(n, dtype=dtype)))


def _retract(F, iters: int):
    r"""Newton–Schulz polar iteration ``X ← X (3I − X^†X) / 2`` on ``X = F/√n``: converges
    quadratically to the unitary polar factor when ``‖X^†X − I‖ < 1``; returns ``√n·X``."""
    n = F.shape[-1]
    s = math.sqrt(n)
    X = F / s
    eye = jnp.eye(n, dtype=F.dtype)
    for _ in range(iters):
        X = X @ (1.5 * eye - 0.5 * (jnp.conj(X).T @ X))
    return X * s


def _init_matrix(key, n, config: TrainConfig):
    """``√n·U`` (Haar) or i.i.d. standard complex Gaussian entries; with the exact
    constraint a Gaussian start is replaced by its unitary polar factor (SVD), since
    Newton–Schulz only converges from near-unitary matrices."""
    if config.init == "unitary":
        return random_unitary_matrix(key, n, config.complex_dtype)
    F = complex_normal(key, (n, n), config.complex_dtype)
    if config.constraint == "unitary":
        u, _, vh = jnp.linalg.svd(F)
        F = math.sqrt(n) * (u @ vh)
    return F


def _train_one(key, table, hp: Hyperparams, config: TrainConfig, dims: tuple[int, ...]
               ) -> TrainResult:
    """Train ``config.restarts`` networks from one key, keep the best. Single network math."""
    n = table.shape[0]
    real, cplx = config.real_dtype, config.complex_dtype
    lr, eta, sigma = (jnp.asarray(v, real) for v in hp)
    adam = optax.scale_by_adam()
    use_penalty = config.constraint == "penalty"

    def loss_fn(F, x, y):
        if config.objective == "expected":
            inv = expected_invariance_loss(F, table, dims, sigma)
        else:
            inv = invariance_loss(F, x, y, dims)
        return inv + eta * unitarity_penalty(F) if use_penalty else inv

    col_block = np.repeat(np.arange(len(dims)), [d * d for d in dims])
    windows = config.steps // (config.rounds * config.log_every)

    def step(carry, t, k_data, active):
        F, opt = carry
        if config.objective == "expected":
            x = y = None
        else:
            x, y = sample_orbit_pairs(jax.random.fold_in(k_data, t), table,
                                      config.batch_size_for(n), sigma, cplx)
        loss, g = jax.value_and_grad(loss_fn)(F, x, y)
        # jax.grad of a real loss w.r.t. complex F is ∂L/∂Re − i ∂L/∂Im, the conjugate of
        # the ascent direction in ℂ; optax (complex-aware) expects the ascent direction.
        g = jnp.conj(g)
        if config.constraint == "unitary":
            # Riemannian gradient: drop the component normal to √n·U(n) at F (the Hermitian
            # part of F^†g).  The quartic loss' Euclidean gradient is dominated by the
            # scaling direction, which the retraction removes anyway; left in, it dominates
            # Adam's second moment and stalls the tangent steps (measured: A4 0/16 → 16/16).
            A = jnp.conj(F).T @ g / n
            g = g - F @ (0.5 * (A + jnp.conj(A).T))
        u, opt = adam.update(g, opt)
        # A round that re-drew nothing keeps polishing at the final (small) learning rate.
        rate = jnp.where(active, _learning_rate(t, lr, config), lr * config.final_lr_ratio)
        F = F - rate.astype(cplx) * u
        if config.constraint == "unitary":
            F = _retract(F, config.retraction_iters)
        return (F, opt), loss

    def run(k):
        k_init, k_data, k_reset = jax.random.split(k, 3)
        F = _init_matrix(k_init, n, config)

        def one_round(carry, r):
            F, opt, active = carry

            def window(c, w):
                ts = (r * windows + w) * config.log_every + jnp.arange(config.log_every)
                c, losses = jax.lax.scan(lambda c, t: step(c, t, k_data, active), c, ts)
                return c, jnp.mean(losses)

            (F, opt), curve = jax.lax.scan(window, (F, opt), jnp.arange(windows))
            if config.rounds > 1:
                # Re-draw the blocks that are still far from invariant (not after the last
                # round): mix their columns with a Haar unitary on their span, reset Adam and
                # re-run the warm-up and decay.  Networks with nothing to re-draw keep their
                # Adam state and the final learning rate (a warm restart would only shake a
                # converged network).
                bad = block_invariance_defects(F, table, dims) > config.reset_threshold
                bad = bad & (r < config.rounds - 1)
                U = _masked_haar(jax.random.fold_in(k_reset, r), bad[col_block], cplx)
                F = F @ U
                active = jnp.any(bad)
                opt = jax.tree.map(lambda a, b: jnp.where(active, a, b), adam.init(F), opt)
            return (F, opt, active), curve

        carry = (F, adam.init(F), jnp.asarray(True))
        (F, _, _), curve = jax.lax.scan(one_round, carry, jnp.arange(config.rounds))
        if config.constraint == "unitary":
            F = _retract(F, 3)  # polish: a few more quadratic steps
        return F, curve.reshape(-1)

    k_run, k_eval = jax.random.split(key)
    Fs, curves = jax.vmap(run)(jax.random.split(k_run, config.restarts))
    x_eval = complex_normal(k_eval, (config.eval_signals, n), cplx)
    inv = jax.vmap(lambda F: invariance_defect(F, table, x_eval, dims))(Fs)
    uni = jax.vmap(unitarity_defect)(Fs)
    score = jnp.where(jnp.isfinite(inv + uni), inv + uni, jnp.inf)
    best = jnp.argmin(score)
    return TrainResult(Fs[best], curves[best], inv[best], uni[best])


def _train_impl(key, table, hp, config, dims):
    _TRACES["train"] += 1
    return _train_one(key, table, hp, config, dims)


_train_jit = jax.jit(_train_impl, static_argnames=("config", "dims"))


def _as_key(key) -> PRNGKeyArray:
    if isinstance(key, (int, np.integer)):
        raise TypeError("key must be a JAX PRNG key such as jax.random.key(0), got an int")
    if not jnp.issubdtype(jnp.asarray(key).dtype, jax.dtypes.prng_key):
        key = jax.random.wrap_key_data(jnp.asarray(key))  # legacy uint32 keys
    return key


def train(key: PRNGKeyArray, group, config: TrainConfig = TrainConfig(),
          hparams: Hyperparams = Hyperparams()) -> TrainResult:
    r"""Train one power-spectral network on ``group`` (a FiniteGroup or an (n, n) table)
    by minimising the invariance objective (see ``harmonics_jax.training`` docs).

    Example:
        >>> import jax, harmonics_jax as hj
        >>> from harmonics_jax.training import TrainConfig, train
        >>> cfg = TrainConfig(steps=200, log_every=100, rounds=1, warmup_steps=10)
        >>> r = train(jax.random.key(0), hj.group("C3"), cfg)
        >>> r.F.shape, r.loss_curve.shape
        ((3, 3), (2,))
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    dims = resolve_block_dims(group, config)
    check_hyperparams(hparams, batched=False)
    table = jnp.asarray(_table_of(group))
    return _train_jit(_as_key(key), table, Hyperparams(*hparams), config, dims)


def _sweep_impl(key_data, table, hp, config, dims, impl):
    _TRACES["sweep"] += 1
    keys = jax.random.wrap_key_data(key_data, impl=impl)
    over_seeds = jax.vmap(_train_one, in_axes=(0, None, None, None, None))
    over_hp = jax.vmap(over_seeds, in_axes=(None, None, 0, None, None))
    return over_hp(keys, table, hp, config, dims)


_sweep_cache: dict = {}


def _sweep_fn(mesh_devices: tuple, impl):
    """The jitted sweep for these devices and key kind, and the sharding of its seed axis."""
    cached = _sweep_cache.get((mesh_devices, impl))
    if cached is None:
        mesh = Mesh(np.array(mesh_devices), ("seeds",))
        seeds = NamedSharding(mesh, P("seeds"))
        rep = NamedSharding(mesh, P())
        out = NamedSharding(mesh, P(None, "seeds"))
        fn = jax.jit(
            lambda kd, t, hp, config, dims: _sweep_impl(kd, t, hp, config, dims, impl),
            static_argnames=("config", "dims"),
            in_shardings=(seeds, rep, rep), out_shardings=out)
        cached = _sweep_cache[(mesh_devices, impl)] = (fn, seeds)
    return cached


def sweep(key: PRNGKeyArray, group, config: TrainConfig = TrainConfig(),
          num_seeds: int | None = None, hparams: Hyperparams = Hyperparams(), *,
          seed_ids=None, devices=None) -> TrainResult:
    r"""Train many networks for each entry of a hyper-parameter axis, in one program.

    Seed ``s`` uses the key ``jax.random.fold_in(key, s)``, so a network does not depend on
    how many seeds are trained with it, on chunking or on the number of devices.  Train
    seeds ``0 … num_seeds−1`` (default 64) or the integer ids ``seed_ids``.  ``hparams``
    fields are scalars or 1-D arrays of a common length H (scalars broadcast); the result
    has leading axes ``(H, S)``.

    Example:
        >>> import jax, jax.numpy as jnp, harmonics_jax as hj
        >>> from harmonics_jax.training import Hyperparams, TrainConfig, sweep
        >>> hp = Hyperparams(learning_rate=jnp.array([0.1, 0.3]))
        >>> cfg = TrainConfig(steps=100, rounds=1, warmup_steps=10)
        >>> r = sweep(jax.random.key(0), hj.group("C3"), cfg, 3, hp)
        >>> r.F.shape
        (2, 3, 3, 3)
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    if seed_ids is None:
        num_seeds = 64 if num_seeds is None else num_seeds
        if isinstance(num_seeds, bool) or not isinstance(num_seeds, (int, np.integer)) \
                or num_seeds < 1:
            raise ValueError(f"num_seeds must be a positive integer, got {num_seeds!r}")
        ids = np.arange(num_seeds)
    else:
        ids = np.asarray(seed_ids)
        if ids.ndim != 1 or ids.size == 0 or not np.issubdtype(ids.dtype, np.integer) \
                or (ids < 0).any():
            raise ValueError(f"seed_ids must be a non-empty 1-D array of non-negative "
                             f"integers, got {seed_ids!r}")
        if num_seeds is not None and num_seeds != ids.size:
            raise ValueError(f"num_seeds = {num_seeds} but seed_ids has {ids.size} entries; "
                             f"pass one of them")
    num_seeds = int(ids.size)
    dims = resolve_block_dims(group, config)
    check_hyperparams(hparams, batched=True)
    real = config.real_dtype
    arrs = [jnp.atleast_1d(jnp.asarray(v, real)) for v in hparams]
    H = max(a.shape[0] for a in arrs)
    hp = Hyperparams(*(jnp.broadcast_to(a, (H,)) for a in arrs))
    devices = tuple(jax.devices() if devices is None else devices)
    key = _as_key(key)
    impl = jax.random.key_impl(key)
    pad = -num_seeds % len(devices)
    ids = np.concatenate([ids, np.repeat(ids[:1], pad)]).astype(np.uint32)
    keys = jax.vmap(lambda s: jax.random.fold_in(key, s))(jnp.asarray(ids))
    fn, seed_sharding = _sweep_fn(devices, impl)
    kd = np.asarray(jax.random.key_data(keys))
    kd = jax.make_array_from_callback(kd.shape, seed_sharding, lambda idx: kd[idx])
    table = jnp.asarray(_table_of(group))
    out = fn(kd, table, hp, config, dims)
    if pad:
        out = jax.tree.map(lambda a: a[:, :num_seeds], out)
    return out
