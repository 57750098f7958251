r"""Configuration of a training run: static shape/recipe fields and traced hyper-parameters.

:class:`TrainConfig` is frozen and hashable; every field is *static* (a change recompiles).
:class:`Hyperparams` holds the fields that are *traced* arrays: changing their values, or
sweeping them with ``vmap``, never recompiles.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

from .._core._layout import check_block_dims

__all__ = ["TrainConfig", "Hyperparams", "default_batch_size"]

_CONSTRAINTS = ("unitary", "penalty")
_OBJECTIVES = ("sampled", "expected")
_INITS = ("unitary", "gaussian")
_SCHEDULES = ("cosine", "exponential", "constant")
_DTYPES = ("float32", "float64")
_HISTORIES = ("none", "curves", "full")


def default_batch_size(n: int) -> int:
    """``32 · ⌈(n/24)²⌉``: 32 for groups of order ≤ 24, 64 up to order 33, 128 at order 48,
    224 at order 60 (docs/RECIPE.md, phase 9)."""
    return 32 * max(1, math.ceil((n / 24) ** 2))


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    r"""Static recipe for training one power-spectral network (see ``train``).

    Attributes:
        steps: optimiser steps (a multiple of ``log_every``).
        batch_size: orbit pairs ``(x, g·x + ε)`` per step; ``None`` (default) means
            :func:`default_batch_size` of the group order: 32 up to order 24, growing as
            ``(n/24)²`` beyond, because one pair's gradient carries less signal as ``n``
            grows: at batch 32 a network of C60 sits ~3500 steps on the plateau around its
            random start, so the re-draw after each 500-step round restarts it (C46, C60,
            D30, A5: 0/8 seeds); with this default all four reach 8/8.
        log_every: the loss curve records the mean loss of every ``log_every`` steps.
        block_dims: block dimensions ``(d_1, …, d_k)`` with ``Σ d_i² = n``; ``None`` means the
            irrep dimensions of the group.
        constraint: ``"unitary"`` keeps ``F/√n`` exactly unitary (Adam step, then a
            Newton–Schulz polar retraction); ``"penalty"`` adds ``η‖F^†F − n·I‖²_F``.
        objective: ``"sampled"`` (a fresh batch of orbit pairs every step) or
            ``"expected"`` (the closed-form expectation of the same loss over x, g and ε;
            no sampling noise, ``batch_size`` unused).
        init: ``"unitary"`` (``F = √n·U``, ``U`` Haar) or ``"gaussian"`` (i.i.d. standard
            complex entries).
        schedule: learning-rate decay after linear warm-up: ``"cosine"`` or
            ``"exponential"`` (both end at ``learning_rate · final_lr_ratio``) or
            ``"constant"``.
        warmup_steps: linear warm-up length.
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
    """

    steps: int = 4000
    batch_size: int | None = None
    log_every: int = 100
    block_dims: tuple[int, ...] | None = None
    constraint: str = "unitary"
    objective: str = "sampled"
    init: str = "unitary"
    schedule: str = "cosine"
    warmup_steps: int = 100
    final_lr_ratio: float = 1e-3
    restarts: int = 1
    rounds: int = 8
    reset_threshold: float = 1e-2
    retraction_iters: int = 2
    eval_signals: int = 8
    dtype: str = "float32"
    history: str = "full"

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "log_every", "restarts", "rounds", "eval_signals"):
            v = getattr(self, name)
            if name == "batch_size" and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"TrainConfig.{name} must be a positive integer, got {v!r}")
        for name in ("warmup_steps", "retraction_iters"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"TrainConfig.{name} must be a non-negative integer, got {v!r}")
        if self.steps % (self.log_every * self.rounds):
            raise ValueError(f"TrainConfig.steps = {self.steps} is not a multiple of "
                             f"log_every × rounds = {self.log_every} × {self.rounds}; the loss "
                             f"curve logs every log_every steps within each round")
        if self.warmup_steps >= self.steps // self.rounds:
            raise ValueError(f"TrainConfig.warmup_steps = {self.warmup_steps} must be smaller "
                             f"than the round length steps / rounds = "
                             f"{self.steps // self.rounds}")
        if not float(self.reset_threshold) > 0.0:
            raise ValueError(f"TrainConfig.reset_threshold must be positive, got "
                             f"{self.reset_threshold!r}")
        if not 0.0 < float(self.final_lr_ratio) <= 1.0:
            raise ValueError(f"TrainConfig.final_lr_ratio must be in (0, 1], got "
                             f"{self.final_lr_ratio!r}")
        for name, allowed in (("constraint", _CONSTRAINTS), ("objective", _OBJECTIVES),
                              ("init", _INITS),
                              ("schedule", _SCHEDULES), ("dtype", _DTYPES),
                              ("history", _HISTORIES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"TrainConfig.{name} = {getattr(self, name)!r}; choose one "
                                 f"of {allowed}")
        if self.block_dims is not None:
            object.__setattr__(self, "block_dims",
                               check_block_dims(self.block_dims, what="TrainConfig.block_dims"))

    def batch_size_for(self, n: int) -> int:
        """The batch size used for a group of order ``n``."""
        return default_batch_size(n) if self.batch_size is None else int(self.batch_size)

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
