r"""Configuration of a training run: static shape/recipe fields and traced hyper-parameters.

:class:`TrainConfig` is frozen and hashable; every field is *static* (a change recompiles).
:class:`Hyperparams` holds the fields that are *traced* arrays: changing their values, or
sweeping them with ``vmap``, never recompiles.
"""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar, NamedTuple

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from .._core._layout import check_block_dims

__all__ = ["TrainConfig", "Hyperparams", "default_batch_size", "default_objective"]

_CONSTRAINTS = ("unitary", "penalty")
_OBJECTIVES = ("sampled", "expected")
_INITS = ("unitary", "gaussian")
_SCHEDULES = ("cosine", "exponential", "constant")
_DTYPES = ("float32", "float64")
_HISTORIES = ("none", "curves", "full")
# Fields that may be None ("choose from steps"; TrainConfig.resolved fills them in).
_AUTO = ("batch_size", "rounds", "warmup_steps", "log_every")
_MIN_ROUND, _MAX_ROUNDS, _MAX_LOG_EVERY, _MAX_WARMUP = 200, 8, 100, 100


def _largest_divisor(n: int, at_most: int) -> int:
    """The largest divisor of ``n`` that is at most ``at_most`` (1 if ``at_most < 1``)."""
    return max(d for d in range(1, max(1, min(n, at_most)) + 1) if n % d == 0)


def default_batch_size(n: int) -> int:
    """``32 · ⌈(n/24)²⌉``: 32 for groups of order ≤ 24, 64 up to order 33, 128 at order 48,
    224 at order 60 (docs/RECIPE.md, phase 9)."""
    return 32 * max(1, math.ceil((n / 24) ** 2))


def default_objective(n: int) -> str:
    """``"sampled"`` for groups of order ≤ 24, ``"expected"`` beyond (docs/RECIPE.md, phase
    12): past order 24 a sampled step needs a batch growing as ``(n/24)²``
    (:func:`default_batch_size`) while the closed form in the Fourier basis costs one
    ``n × n`` product, and it verifies at least as many networks of the large-irrep groups;
    up to order 24 the sampled default keeps the README's pass counts bit for bit."""
    return "sampled" if n <= 24 else "expected"


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    r"""Static recipe for training one power-spectral network (see ``train``).

    Attributes:
        steps: optimiser steps, any positive number.  The round structure adapts to it
            (see *Rounds, warm-up and logging* below).
        batch_size: orbit pairs ``(x, g·x + ε)`` per step; ``None`` (default) means
            :func:`default_batch_size` of the group order: 32 up to order 24, growing as
            ``(n/24)²`` beyond, because one pair's gradient carries less signal as ``n``
            grows: at batch 32 a network of C60 sits ~3500 steps on the plateau around its
            random start, so the re-draw after each 500-step round restarts it (C46, C60,
            D30, A5: 0/8 seeds); with this default all four reach 8/8.
        log_every: the history records the curves every ``log_every`` steps; it must
            divide the round length.  ``None`` (default): automatic, see below.
        block_dims: block dimensions ``(d_1, …, d_k)`` with ``Σ d_i² = n``; ``None`` means the
            irrep dimensions of the group.
        constraint: ``"unitary"`` keeps ``F/√n`` exactly unitary (Adam step, then a
            Newton–Schulz polar retraction); ``"penalty"`` adds ``η‖F^†F − n·I‖²_F``.
        objective: ``"sampled"`` (a fresh batch of orbit pairs every step) or
            ``"expected"`` (the closed-form expectation of the same loss over x, g and ε,
            computed in the group's Fourier basis when the group is given;
            no sampling noise, ``batch_size`` unused); ``None`` (default) means
            :func:`default_objective` of the group order: sampled up to order 24,
            expected beyond.
        init: ``"unitary"`` (``F = √n·U``, ``U`` Haar) or ``"gaussian"`` (i.i.d. standard
            complex entries).
        schedule: learning-rate decay after linear warm-up: ``"cosine"`` or
            ``"exponential"`` (both end at ``learning_rate · final_lr_ratio``) or
            ``"constant"``.
        warmup_steps: linear warm-up length of each round, smaller than the round length.
            ``None`` (default): automatic, see below.
        final_lr_ratio: final learning rate as a fraction of the peak.
        restarts: independent initialisations per seed, trained together; the one with the
            smallest final defect (invariance + unitarity on held-out signals) is kept.
            A seed is still one network.
        rounds: training is split into ``rounds`` equal rounds, each with its own warm-up
            and decay; after every round but the last, the blocks whose relative invariance
            defect exceeds ``reset_threshold`` are re-drawn: their columns of ``F`` are mixed
            by a Haar-random unitary (the invariant blocks are untouched and ``F^†F = n·I``
            is kept), and Adam's moments are reset.  This escapes the typical local minimum,
            where a small block holds part of a larger irrep's isotypic component.
            ``rounds`` must divide ``steps``; ``None`` (default): automatic, see below.
        reset_threshold: the per-block defect above which a block is re-drawn.
        retraction_iters: Newton–Schulz iterations per step (``constraint="unitary"``).
        eval_signals: held-out signals (each tested against every group element) for the
            final defects and the choice among restarts.
        dtype: real dtype of training (``"float32"`` or ``"float64"``; complex weights use
            the matching complex dtype).
        history: what the result's :class:`~harmonics_jax.training.TrainHistory` keeps:
            ``"curves"`` (every ``log_every`` steps: mean loss, exact invariance defect,
            unitarity defect, learning rate; a few numbers per window), ``"full"`` (the
            default: the curves and the weights ``F`` at the start and at every round end,
            ``(rounds + 1)·n·m`` complex numbers per network) or ``"none"`` (``history`` is
            ``None``).  The history never changes the trained weights.
        stop_when_verified: end a network's training at the first round end where it
            meets the theorem's hypotheses with margin (exact relative invariance defect
            ≤ 1e-4, ‖F^†F/n − I‖₂ ≤ 1e-4, every block's surjectivity margin ≥ 1e-3: 10× or more
            stricter than verification's default tolerances); its weights are then frozen,
            its history repeats that round's entries, ``TrainResult.steps`` says how many steps
            it took, and a ``sweep`` ends when every network has stopped.  Off by default
            (it changes which rounds run, so the weights differ from the fixed-length
            recipe; see the README for what it saves).

    Rounds, warm-up and logging:
        ``rounds``, ``warmup_steps`` and ``log_every`` left at ``None`` are chosen from
        ``steps`` (and from each other, when some are set) by :meth:`resolved`, so every
        positive ``steps`` trains:

        * ``rounds`` = the largest divisor of ``steps`` that is at most 8 and leaves rounds
          of at least 200 steps (1 if none does);
        * with ``L = steps / rounds`` the round length, ``warmup_steps = min(100, L // 2)``
          and ``log_every`` = the largest divisor of ``L`` that is at most 100.

        This gives the recipe of docs/RECIPE.md for the default 4000 steps (8 rounds of 500,
        warm-up 100, a log every 100 steps), and the former fixed defaults (8, 100, 100) for
        every ``steps`` they accepted (the multiples of 800 from 1600 on).  800 steps give 4
        rounds of 200 (warm-up 100, log every 100), 1000 steps 5 rounds of 200, 50 steps one
        round (warm-up 25, one log at step 50), 1 step one round with no warm-up and one log.
        A prime number of steps trains in one round.  Values set explicitly are kept and
        checked: ``rounds`` must divide ``steps``, ``log_every`` the round length, and
        ``warmup_steps`` must be smaller than it; an inconsistent choice is refused with
        the fix (or leave the field unset).
    """

    #: The allowed values of the string fields (the command line's ``choices``).
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "constraint": _CONSTRAINTS, "objective": _OBJECTIVES, "init": _INITS,
        "schedule": _SCHEDULES, "dtype": _DTYPES, "history": _HISTORIES}

    steps: int = 4000
    batch_size: int | None = None
    log_every: int | None = None
    block_dims: tuple[int, ...] | None = None
    constraint: str = "unitary"
    objective: str | None = None
    init: str = "unitary"
    schedule: str = "cosine"
    warmup_steps: int | None = None
    final_lr_ratio: float = 1e-3
    restarts: int = 1
    rounds: int | None = None
    reset_threshold: float = 1e-2
    retraction_iters: int = 2
    eval_signals: int = 8
    dtype: str = "float32"
    history: str = "full"
    stop_when_verified: bool = False

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "log_every", "restarts", "rounds", "eval_signals"):
            v = getattr(self, name)
            if name in _AUTO and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"TrainConfig.{name} must be a positive integer, got {v!r}")
        for name in ("warmup_steps", "retraction_iters"):
            v = getattr(self, name)
            if name in _AUTO and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"TrainConfig.{name} must be a non-negative integer, got {v!r}")
        if not isinstance(self.stop_when_verified, (bool, np.bool_)):
            raise ValueError(f"TrainConfig.stop_when_verified must be True or False, got "
                             f"{self.stop_when_verified!r}")
        self._round_plan()  # refuses explicit values that do not fit together
        if not float(self.reset_threshold) > 0.0:
            raise ValueError(f"TrainConfig.reset_threshold must be positive, got "
                             f"{self.reset_threshold!r}")
        if not 0.0 < float(self.final_lr_ratio) <= 1.0:
            raise ValueError(f"TrainConfig.final_lr_ratio must be in (0, 1], got "
                             f"{self.final_lr_ratio!r}")
        for name, allowed in self.CHOICES.items():
            if name == "objective" and self.objective is None:
                continue  # None: chosen from the group's order (default_objective)
            if getattr(self, name) not in allowed:
                raise ValueError(f"TrainConfig.{name} = {getattr(self, name)!r}; choose one "
                                 f"of {allowed}")
        if self.block_dims is not None:
            object.__setattr__(self, "block_dims",
                               check_block_dims(self.block_dims, what="TrainConfig.block_dims"))

    def _round_plan(self) -> tuple[int, int, int]:
        """(rounds, warmup_steps, log_every): the explicit values, checked, and the automatic
        ones by the rule of the class docstring."""
        steps = int(self.steps)
        if self.rounds is None:
            rounds = _largest_divisor(steps, min(_MAX_ROUNDS, steps // _MIN_ROUND))
        elif steps % self.rounds:
            raise ValueError(f"TrainConfig.rounds = {self.rounds} does not divide steps = "
                             f"{steps} (rounds have equal lengths); choose a divisor of steps, "
                             f"e.g. rounds={_largest_divisor(steps, self.rounds)}, or leave "
                             f"rounds unset to choose it from steps")
        else:
            rounds = int(self.rounds)
        length = steps // rounds
        if self.log_every is None:
            log_every = _largest_divisor(length, _MAX_LOG_EVERY)
        elif length % self.log_every:
            raise ValueError(f"TrainConfig.log_every = {self.log_every} does not divide the "
                             f"round length steps / rounds = {steps} / {rounds} = {length}; "
                             f"choose a divisor of it, e.g. "
                             f"log_every={_largest_divisor(length, self.log_every)}, or leave "
                             f"log_every unset")
        else:
            log_every = int(self.log_every)
        if self.warmup_steps is None:
            warmup = min(_MAX_WARMUP, length // 2)
        elif self.warmup_steps >= length:
            raise ValueError(f"TrainConfig.warmup_steps = {self.warmup_steps} must be smaller "
                             f"than the round length steps / rounds = {steps} / {rounds} = "
                             f"{length}; lower it, or leave warmup_steps unset")
        else:
            warmup = int(self.warmup_steps)
        return rounds, warmup, log_every

    def resolved(self) -> TrainConfig:
        """This config with ``rounds``, ``warmup_steps`` and ``log_every`` filled in (the
        rule of the class docstring); training always runs a resolved config.

        Example:
            >>> c = TrainConfig(steps=1000).resolved()
            >>> c.rounds, c.warmup_steps, c.log_every
            (5, 100, 100)
            >>> c = TrainConfig(steps=50).resolved()
            >>> c.rounds, c.warmup_steps, c.log_every
            (1, 25, 50)
        """
        rounds, warmup, log_every = self._round_plan()
        return dataclasses.replace(self, rounds=rounds, warmup_steps=warmup,
                                   log_every=log_every)

    def batch_size_for(self, n: int) -> int:
        """The batch size used for a group of order ``n``."""
        return default_batch_size(n) if self.batch_size is None else int(self.batch_size)

    def objective_for(self, n: int) -> str:
        """The objective used for a group of order ``n``."""
        return default_objective(n) if self.objective is None else self.objective

    @property
    def real_dtype(self):
        return jnp.float32 if self.dtype == "float32" else jnp.float64

    @property
    def complex_dtype(self):
        return jnp.complex64 if self.dtype == "float32" else jnp.complex128


class Hyperparams(NamedTuple):
    r"""Traced hyper-parameters (scalars for ``train``; equal-length 1-D arrays for a
    ``sweep`` axis).  Changing their values never recompiles.

    Attributes:
        learning_rate: peak Adam learning rate (> 0).
        penalty: weight η of ``η‖F^†F − n·I‖²_F`` (used when ``constraint="penalty"``).
        noise_std: σ, the second signal is ``g·x + ε`` with ``E|ε_h|² = σ²``.
    """

    learning_rate: Float[Array, "*h"] | float = 0.3
    penalty: Float[Array, "*h"] | float = 1.0
    noise_std: Float[Array, "*h"] | float = 0.0


def check_hyperparams(hp: Hyperparams, *, batched: bool) -> Hyperparams:
    """Validate concrete values (raise ValueError naming the field); tracers pass through."""
    if not isinstance(hp, Hyperparams):
        raise TypeError(f"hparams must be a Hyperparams, got {type(hp).__name__}")
    sizes = set()
    for name, v in zip(hp._fields, hp):
        arr = np.asarray(v) if not hasattr(v, "aval") or _is_concrete(v) else None
        if arr is None:
            continue
        if not batched and arr.ndim != 0:
            raise ValueError(f"hparams.{name} must be a scalar for train(), got shape "
                             f"{arr.shape}; use sweep() for a hyper-parameter axis")
        if batched:
            if arr.ndim > 1:
                raise ValueError(f"hparams.{name} must be a scalar or 1-D array, got shape "
                                 f"{arr.shape}")
            if arr.ndim == 1:
                sizes.add(arr.shape[0])
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"hparams.{name} = {arr} is not finite")
        low_ok = (arr > 0) if name == "learning_rate" else (arr >= 0)
        if not np.all(low_ok):
            bad = arr.reshape(-1)[np.flatnonzero(~low_ok.reshape(-1))[0]]
            need = "positive" if name == "learning_rate" else "non-negative"
            raise ValueError(f"hparams.{name} must be {need}, got {bad}")
    if len(sizes) > 1:
        raise ValueError(f"hparams: the 1-D fields must have equal lengths, got {sorted(sizes)}")
    return hp


def _is_concrete(v) -> bool:
    try:
        np.asarray(v)
        return True
    except Exception:
        return False
