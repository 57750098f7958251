r"""Training engine: one network with ``train``, many with ``sweep`` (vmap over seeds and a
hyper-parameter axis, seeds sharded over devices).

What recompiles: ``train``/``sweep`` compile once per (group order, block dims,
:class:`TrainConfig`, number of seeds after padding, length of the hyper-parameter axis).
The group *table* and the values in :class:`Hyperparams` (learning rate, penalty weight,
noise std) are traced array inputs: a different group of the same order or new values reuse
the compiled program.  Everything inside training (data sampling, Adam, retraction, the
history every ``log_every`` steps and at round ends) runs in one ``lax.scan`` over rounds —
a ``lax.while_loop`` with ``TrainConfig(stop_when_verified=True)`` — with no host round trips.

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
from jaxtyping import Array, Float, Int, PRNGKeyArray

from .._core._hypotheses import (invariance_terms, operator_unitarity_defect, safe_ratio,
                                 surjectivity_terms)
from .._core._layout import check_block_dims
from .._core._linalg import newton_schulz, unitarity_gap
from .._core._random import complex_normal
from .._group import identity_label
from .._irreps import irrep_dims
from .._irreps import irreps as group_irreps
from ..models import (SpectralWeights, expected_invariance_loss, heldout_invariance_defect,
                      invariance_loss, random_unitary_matrix, sample_orbit_pairs,
                      unitarity_penalty)
from ..optim import (RoundsScheduleState, redraw_noninvariant_blocks, restart_round,
                     rounds_schedule, scale_by_rounds_schedule, unitary_adam)
from ._config import Hyperparams, TrainConfig, check_hyperparams

__all__ = ["TrainResult", "TrainHistory", "train", "sweep", "lower_sweep", "trace_counts",
           "resolve_block_dims"]

# How many times each jitted entry point has been traced (incremented only while tracing).
_TRACES: Counter = Counter()


def trace_counts() -> dict[str, int]:
    """Number of traces (≈ compilations) of ``train`` and ``sweep`` so far, by name."""
    return dict(_TRACES)


class TrainHistory(NamedTuple):
    r"""What happened during training, with the networks' leading axes (``()`` for ``train``,
    ``(H, S)`` for ``sweep``) followed by a time axis.  Recorded inside the training scan
    (no host round trip); it never changes the trained weights.

    The curves have one entry per window of ``log_every`` steps (``T = steps / log_every``
    windows):

    Attributes:
        step: steps taken at the end of each window, shape ``(*s, T)`` (the same for every
            network).
        loss: mean training loss over the window, ``(*s, T)``.
        invariance_defect: the *exact* relative invariance defect of the weights at the end
            of the window (the expectation over Gaussian signals, max over g; the number
            :func:`harmonics_jax.verify.invariance_defect` reports, computed by the same
            kernel), ``(*s, T)``.
        unitarity_defect: ``‖F^†F/n − I‖₂`` (verification's ``unitarity_defect``) at the end of
            the window, ``(*s, T)``.
        learning_rate: the learning rate of the window's last step, ``(*s, T)``.
        snapshot_step: steps taken at each snapshot, ``(*s, R + 1)`` with ``R = rounds``:
            0, then the end of every round.
        snapshots: ``F`` at the start and at every round end (before that round's re-draw),
            a :class:`~harmonics_jax.models.SpectralWeights` of shape ``(*s, R + 1, n, m)``;
            ``None`` unless ``TrainConfig.history == "full"``.  The final weights are the
            last snapshot after a few polishing Newton–Schulz steps.
    """

    step: Int[Array, "*s T"]
    loss: Float[Array, "*s T"]
    invariance_defect: Float[Array, "*s T"]
    unitarity_defect: Float[Array, "*s T"]
    learning_rate: Float[Array, "*s T"]
    snapshot_step: Int[Array, "*s R1"]
    snapshots: SpectralWeights | None


class TrainResult(NamedTuple):
    r"""Trained networks, with leading axes ``()`` for ``train`` and ``(H, S)`` for ``sweep``
    (hyper-parameter axis, seed axis).

    Attributes:
        weights: the networks, a :class:`~harmonics_jax.models.SpectralWeights` with
            ``F[..., g, (i, j, k)] = √d_i W_i[g]_{jk}`` of shape ``(..., n, n)`` and the block
            layout; ``weights.blocks`` are the ``W_i``, ``weights[h, s]`` one network.
        final_loss: mean training loss of the last window of ``log_every`` steps.
        heldout_invariance_defect: relative invariance defect on held-out signals, every g
            (:func:`~harmonics_jax.models.heldout_invariance_defect`; the exact defect is
            :func:`harmonics_jax.verify.invariance_defect`).
        unitarity_defect: ``max |F F^† − n·I| / n``.
        history: a :class:`TrainHistory` (curves every ``log_every`` steps and, by default,
            snapshots of ``F``), or ``None`` with ``TrainConfig(history="none")``.
        steps: optimiser steps the network took: ``config.steps``, or fewer with
            ``TrainConfig(stop_when_verified=True)`` (a multiple of the round length).
    """

    weights: SpectralWeights
    final_loss: Float[Array, "*s"]
    heldout_invariance_defect: Float[Array, "*s"]
    unitarity_defect: Float[Array, "*s"]
    history: TrainHistory | None
    steps: Int[Array, "*s"]


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


def _objective_irreps(group, config: TrainConfig):
    """The irreps the expected objective computes its correlation term with (in the Fourier
    basis, :func:`~harmonics_jax.models.expected_invariance_loss`), cast to the training
    dtype; ``None`` for the sampled objective or a bare table (then the table is used)."""
    n = len(_table_of(group))
    if config.objective_for(n) != "expected" or not hasattr(group, "class_index"):
        return None
    return [jnp.asarray(r, config.complex_dtype) for r in group_irreps(group)]


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


def _schedule(lr, config: TrainConfig) -> optax.Schedule:
    """The rounds schedule of the learning rate (:func:`~harmonics_jax.optim.rounds_schedule`)."""
    return rounds_schedule(lr, steps=config.steps, rounds=config.rounds,
                           warmup_steps=config.warmup_steps, final_ratio=config.final_lr_ratio,
                           decay=config.schedule)


def _optimizer(lr, config: TrainConfig) -> optax.GradientTransformation:
    """The recipe's optax chain: :func:`~harmonics_jax.optim.unitary_adam`, or Adam on the
    rounds schedule for the penalty."""
    if config.constraint == "unitary":
        return unitary_adam(lr, steps=config.steps, rounds=config.rounds,
                            warmup_steps=config.warmup_steps,
                            final_lr_ratio=config.final_lr_ratio, decay=config.schedule,
                            retraction_iters=config.retraction_iters)
    return optax.chain(optax.scale_by_adam(),
                       scale_by_rounds_schedule(_schedule(lr, config),
                                                lr * config.final_lr_ratio))


def _hypothesis_defects(w: SpectralWeights, table):
    """(exact relative invariance defect, unitarity defect ‖F^†F/n − I‖₂) of one network,
    with the verification's kernels (``_core._hypotheses``)."""
    num, den = invariance_terms(w.blocks, table)
    inv = jnp.max(safe_ratio(jnp.sqrt(num), jnp.sqrt(den)))
    return inv, operator_unitarity_defect(w.F)


def _last_learning_rate(state, schedule, final_value):
    """The learning rate of the last step taken, read from the rounds schedule's state."""
    is_node = lambda x: isinstance(x, RoundsScheduleState)  # noqa: E731
    s = next(x for x in jax.tree.leaves(state, is_leaf=is_node) if is_node(x))
    return jnp.where(s.polishing, final_value, schedule(s.count - 1))


def _train_one(key, table, hp: Hyperparams, config: TrainConfig, dims: tuple[int, ...],
               irreps=None):
    """One network: ``config.rounds`` rounds of optax steps, with re-draws in between
    (``irreps``: see :func:`_objective_irreps`).  Returns the weights, the loss of the last
    window, the steps taken and the history (or ``None``)."""
    n = table.shape[0]
    lr, eta, sigma = (jnp.asarray(v, config.real_dtype) for v in hp)
    tx, batch = _optimizer(lr, config), config.batch_size_for(n)
    schedule, final_lr = _schedule(lr, config), lr * config.final_lr_ratio
    windows = config.steps // (config.rounds * config.log_every)
    curves, full = config.history != "none", config.history == "full"
    k_init, k_data, k_reset = jax.random.split(key, 3)
    loss_fn = _objective(config, table, eta, sigma, k_data, batch, irreps)

    def step(carry, t):
        w, state = carry
        loss, g = jax.value_and_grad(loss_fn)(w, t)
        # jax.grad of a real loss in complex F is ∂L/∂Re − i ∂L/∂Im; optax wants its conjugate.
        updates, state = tx.update(jax.tree.map(jnp.conj, g), state, w)
        return (optax.apply_updates(w, updates), state), loss

    def window(c, t0):
        c, losses = jax.lax.scan(step, c, t0 + jnp.arange(config.log_every))
        loss = jnp.mean(losses)
        if not curves:
            return c, loss
        inv, uni = _hypothesis_defects(c[0], table)
        return c, (loss, inv, uni, _last_learning_rate(c[1], schedule, final_lr))

    def one_round(carry, r):
        starts = (r * windows + jnp.arange(windows)) * config.log_every
        (w, state), logs = jax.lax.scan(window, carry, starts)
        snapshot = w.F
        done = _meets_stopping_test(w, table) if config.stop_when_verified else None
        if config.rounds > 1:  # re-draw what is not invariant yet (never after the last round)
            threshold = jnp.where(r < config.rounds - 1, config.reset_threshold, jnp.inf)
            w, redrawn = redraw_noninvariant_blocks(jax.random.fold_in(k_reset, r), w, table,
                                                    threshold, irreps=irreps)
            state = restart_round(tx, state, w, jnp.any(redrawn))
        return (w, state), (logs, snapshot if full else None, done)

    w0 = SpectralWeights(_init_matrix(k_init, n, config), dims)
    carry = (w0, tx.init(w0))
    if config.stop_when_verified:
        (w, _), (logs, snaps), final_loss, rounds_run = _rounds_until(one_round, carry,
                                                                      config.rounds)
    else:
        (w, _), (logs, snaps, _) = jax.lax.scan(one_round, carry, jnp.arange(config.rounds))
        rounds_run = jnp.asarray(config.rounds)
        final_loss = (logs[0] if curves else logs)[-1, -1]
    if config.constraint == "unitary":  # polish: a few more quadratic Newton–Schulz steps
        w = SpectralWeights(newton_schulz(w.F / math.sqrt(n), 3) * math.sqrt(n), dims)
    steps = rounds_run * (config.steps // config.rounds)
    history = _history(config, logs, w0, snaps, windows, dims) if curves else None
    return w, final_loss, steps, history


def _objective(config: TrainConfig, table, eta, sigma, k_data, batch: int, irreps):
    """The training loss of weights ``w`` at step ``t``: the invariance objective (expected
    or sampled, by the group's order) plus, for ``constraint="penalty"``, ``eta`` times the
    unitarity penalty."""
    n = table.shape[0]

    def loss_fn(w, t):
        if config.objective_for(n) == "expected":
            inv = expected_invariance_loss(w, table, sigma, irreps=irreps)
        else:
            pairs = sample_orbit_pairs(jax.random.fold_in(k_data, t), table, batch, sigma,
                                       config.complex_dtype)
            inv = invariance_loss(w, *pairs)
        return inv + eta * unitarity_penalty(w) if config.constraint == "penalty" else inv

    return loss_fn


def _history(config: TrainConfig, logs, w0: SpectralWeights, snaps, windows: int,
             dims: tuple[int, ...]) -> TrainHistory:
    """The TrainHistory from the per-window logs (rounds, windows) and the round-end
    snapshots of F (``None`` unless ``history="full"``)."""
    logs = jax.tree.map(lambda a: a.reshape(-1), logs)  # (rounds, windows) -> time
    loss, inv, uni, rate = logs
    log_steps = config.log_every * jnp.arange(1, config.rounds * windows + 1)
    snap_steps = (config.steps // config.rounds) * jnp.arange(config.rounds + 1)
    snapshots = (SpectralWeights(jnp.concatenate([w0.F[None], snaps]), dims)
                 if config.history == "full" else None)
    return TrainHistory(log_steps, loss, inv, uni, rate, snap_steps, snapshots)


# The stopping test of TrainConfig.stop_when_verified: 10× (surjectivity: 1000×) stricter
# than verification's default hypothesis tolerances, so that the last polishing steps and
# float32 round-off cannot carry a stopped network back over them.
_STOP_INVARIANCE, _STOP_UNITARITY, _STOP_SURJECTIVITY = 1e-4, 1e-4, 1e-3


def _meets_stopping_test(w: SpectralWeights, table) -> Array:
    """Whether the network meets the theorem's hypotheses with the stopping margins: exact
    relative invariance defect, ‖F^†F/n − I‖₂, and every block's surjectivity margins (the kernels
    verification uses)."""
    inv, uni = _hypothesis_defects(w, table)
    _, rel_e, rel_map = surjectivity_terms(w.blocks, identity_label(table))
    surj = jnp.min(jnp.minimum(rel_e, rel_map))
    return (inv <= _STOP_INVARIANCE) & (uni <= _STOP_UNITARITY) & (surj >= _STOP_SURJECTIVITY)


def _rounds_until(one_round, carry, rounds: int):
    """Run ``one_round`` for rounds 0, 1, … until its ``done`` output holds or ``rounds``
    rounds have run: a ``lax.while_loop`` (under ``vmap`` it runs while *some* network
    trains, and keeps the finished ones frozen).  Returns the carry, the per-round outputs
    stacked on a leading ``rounds`` axis (the rounds not run repeat the last one run), the
    last window's loss and the number of rounds run."""
    out = jax.eval_shape(lambda c: one_round(c, jnp.asarray(0))[1][:2], carry)
    bufs = jax.tree.map(lambda a: jnp.zeros((rounds, *a.shape), a.dtype), out)
    last = jax.tree.leaves(bufs)[0][0, -1]  # a scalar of the loss dtype

    def body(c):
        r, carry, _, _, bufs = c
        carry, (logs, snap, done) = one_round(carry, r)
        bufs = jax.tree.map(lambda b, o: b.at[r].set(o), bufs, (logs, snap))
        return r + 1, carry, done, jax.tree.leaves(logs)[0][-1], bufs

    r, carry, _, last, bufs = jax.lax.while_loop(
        lambda c: (c[0] < rounds) & ~c[2], body,
        (jnp.asarray(0), carry, jnp.asarray(False), last, bufs))
    ran = jnp.minimum(jnp.arange(rounds), r - 1)  # at least one round runs
    return carry, jax.tree.map(lambda b: b[ran], bufs), last, r


def _train_best(key, table, hp: Hyperparams, config: TrainConfig, dims: tuple[int, ...],
                irreps=None) -> TrainResult:
    """Train ``config.restarts`` networks from one key; keep the one with the smallest
    held-out invariance + unitarity defect."""
    n = table.shape[0]
    k_run, k_eval = jax.random.split(key)
    runs = jax.random.split(k_run, config.restarts)
    ws, final_loss, steps, history = jax.vmap(lambda k: _train_one(k, table, hp, config,
                                                                    dims, irreps))(runs)
    x_eval = complex_normal(k_eval, (config.eval_signals, n), config.complex_dtype)
    inv = jax.vmap(lambda w: heldout_invariance_defect(w, table, x_eval))(ws)
    uni = jax.vmap(lambda F: unitarity_gap(F) / n)(ws.F)
    score = jnp.where(jnp.isfinite(inv + uni), inv + uni, jnp.inf)
    best = jnp.argmin(score)
    pick = lambda tree: jax.tree.map(lambda a: a[best], tree)  # noqa: E731
    return TrainResult(ws[best], final_loss[best], inv[best], uni[best], pick(history),
                       steps[best])


def _train_impl(key, table, hp, config, dims, irreps=None):
    _TRACES["train"] += 1
    return _train_best(key, table, hp, config, dims, irreps)


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
        >>> r = train(jax.random.key(0), hj.named_group("C3"), cfg)
        >>> r.weights.F.shape, r.history.loss.shape, r.history.snapshots.F.shape
        ((3, 3), (2,), (2, 3, 3))
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    config = config.resolved()
    dims = resolve_block_dims(group, config)
    check_hyperparams(hparams, batched=False)
    table = jnp.asarray(_table_of(group))
    return _train_jit(_as_key(key), table, Hyperparams(*hparams), config, dims,
                      _objective_irreps(group, config))


def _sweep_impl(key_data, table, hp, config, dims, irreps, impl):
    _TRACES["sweep"] += 1
    keys = jax.random.wrap_key_data(key_data, impl=impl)
    over_seeds = jax.vmap(_train_best, in_axes=(0, None, None, None, None, None))
    over_hp = jax.vmap(over_seeds, in_axes=(None, None, 0, None, None, None))
    return over_hp(keys, table, hp, config, dims, irreps)


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
            lambda kd, t, hp, config, dims, irreps: _sweep_impl(kd, t, hp, config, dims,
                                                                irreps, impl),
            static_argnames=("config", "dims"),
            in_shardings=(seeds, rep, rep, rep), out_shardings=out)
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
        >>> r = sweep(jax.random.key(0), hj.named_group("C3"), cfg, 3, hp)
        >>> r.weights.F.shape
        (2, 3, 3, 3)
    """
    fn, args, num_seeds, pad = _sweep_call(key, group, config, num_seeds, hparams, seed_ids,
                                           devices)
    out = fn(*args)
    if pad:
        out = jax.tree.map(lambda a: a[:, :num_seeds], out)
    return out


def lower_sweep(key: PRNGKeyArray, group, config: TrainConfig = TrainConfig(),
                num_seeds: int | None = None, hparams: Hyperparams = Hyperparams(), *,
                seed_ids=None, devices=None) -> jax.stages.Lowered:
    r"""The program :func:`sweep` would run for these arguments, lowered but not compiled:
    ``lower_sweep(...).compile()`` measures XLA's compile time (after ``jax.clear_caches()``)
    without training anything.

    Example:
        >>> import jax, harmonics_jax as hj
        >>> from harmonics_jax.training import TrainConfig
        >>> cfg = TrainConfig(steps=100, rounds=1, warmup_steps=10)
        >>> lowered = lower_sweep(jax.random.key(0), hj.named_group("C3"), cfg, 2)
        >>> type(lowered.compile()).__name__
        'Compiled'
    """
    fn, args, _, _ = _sweep_call(key, group, config, num_seeds, hparams, seed_ids, devices)
    return fn.lower(*args)


def _sweep_call(key, group, config, num_seeds, hparams, seed_ids, devices):
    """Checked arguments of the sweep program: (jitted fn, its arguments, seeds, padding)."""
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    config = config.resolved()
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
    return fn, (kd, table, hp, config, dims, _objective_irreps(group, config)), num_seeds, pad


