"""The authors' training algorithm, run from a local clone of their repository.

Marchetti, Hillar, Kragic & Sanborn's code (https://github.com/sophiaas/spectral-universality)
is imported from ``reference_dir`` at run time; nothing of it is copied here.  What runs is
their JAX version (``train_JAX.py``) at its fastest:

* their model, loss and regulariser (``models_JAX.init_weights``, ``loss``, ``reg``), their
  settings (batch 4, ``rho = 10``, Adam with step size 1e-3 from
  ``jax.example_libraries.optimizers``) and their update step, compiled with ``jax.jit`` as
  theirs is;
* their data distribution without their torch data loader: a batch of 4 complex Gaussian
  signals x (std 1) and y = x permuted by the Cayley-table row of a random group element per
  signal (``groups.abstr_group.act``), drawn with NumPy in one call per batch;
* their stopping rule: an epoch is 250 batches (their dataset holds 1,000 signals); before each
  epoch the Cayley table is read from the weights (``models_JAX.get_table``, compiled with
  ``jax.jit``) and scored against the true one over all n! relabellings
  (``utils.perm_frobenius``); training stops at the first exact recovery (score 0) or after
  ``max_epochs`` (their ``num_ep`` is 100).

Their ``utils.py`` imports torch (for ``one_hot``), so torch must be installed
(``pip install torch --index-url https://download.pytorch.org/whl/cpu``).
Their weights are initialised from the fixed key 42 (``init_weights``): networks differ only
by their data, drawn from ``numpy.random.seed(network index)``.
"""

from __future__ import annotations

import importlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The settings of their train_JAX.py.
BATCH, RHO, STEP_SIZE, STD, BATCHES_PER_EPOCH, MAX_EPOCHS = 4, 10.0, 1e-3, 1.0, 250, 100


@dataclass
class ReferenceRun:
    """One reference network: whether it recovered the table exactly, after how many epochs
    and steps, and its wall time (including compilation for the first network)."""
    recovered: bool
    epochs: int
    steps: int
    seconds: float


def load(reference_dir: str | Path):
    """Import the reference repository's modules; raises ValueError naming what is missing."""
    root = Path(reference_dir).expanduser().resolve()
    missing = [f for f in ("models_JAX.py", "groups.py", "utils.py") if not (root / f).is_file()]
    if missing:
        raise ValueError(f"--reference-dir {root}: no {', '.join(missing)} there; pass a clone "
                         "of https://github.com/sophiaas/spectral-universality")
    try:
        import torch  # noqa: F401  (their utils.py imports it)
    except ImportError:
        raise ValueError("the reference code imports torch: pip install torch --index-url "
                         "https://download.pytorch.org/whl/cpu") from None
    sys.path.insert(0, str(root))
    try:
        return {name: importlib.import_module(name) for name in ("models_JAX", "groups", "utils")}
    finally:
        sys.path.remove(str(root))


def reference_group(modules, name: str):
    """Their group object for one of our names: Cn, Dn (order 2n) or Sn."""
    groups = modules["groups"]
    kind, n = name[0].upper(), int(name[1:])
    factory = {"C": groups.cyclic, "D": groups.dihedral, "S": groups.symmetric}.get(kind)
    if factory is None:
        raise ValueError(f"the reference has no group {name!r}: use Cn, Dn or Sn")
    return factory(n)


class Reference:
    """The compiled update and table read-out for one group, reused by every network."""

    def __init__(self, modules, group_name: str):
        import jax
        from jax.example_libraries.optimizers import adam

        self.m, self.group = modules["models_JAX"], reference_group(modules, group_name)
        self.group.check_dims()
        self.utils = modules["utils"]
        self.perms = self.utils.perm_matrices(self.group.order)
        dims, order, m = self.group.irrep_dims, self.group.order, self.m
        self.init_fun, update_fun, self.get_params = adam(step_size=STEP_SIZE)

        def objective(V, x, y):
            return m.loss(V, x, y).mean() + RHO * m.reg(V, dims, order)

        @jax.jit
        def update(opt_state, x, y, epoch):
            value, grads = jax.value_and_grad(objective)(self.get_params(opt_state), x, y)
            return value, update_fun(epoch, grads, opt_state)

        self.update = update
        self.table = jax.jit(lambda W: m.get_table(W, order))

    def train(self, index: int, max_epochs: int = MAX_EPOCHS) -> ReferenceRun:
        import jax.numpy as jnp

        t0 = time.perf_counter()
        rng = np.random.RandomState(index)
        n, table = self.group.order, np.asarray(self.group.cayley_table)
        opt_state = self.init_fun(self.m.init_weights(n, self.group.irrep_dims))
        rows = np.arange(BATCH)[:, None]

        def recovered(state) -> bool:  # their score over all n! relabellings is exactly 0
            cayley = np.asarray(self.table(self.get_params(state)))
            return bool(self.utils.perm_frobenius(table, cayley, self.perms, n) == 0)

        for epoch in range(1, max_epochs + 1):
            if recovered(opt_state):
                return ReferenceRun(True, epoch - 1, (epoch - 1) * BATCHES_PER_EPOCH,
                                    time.perf_counter() - t0)
            for _ in range(BATCHES_PER_EPOCH):
                x = STD * rng.randn(BATCH, n) + 1j * STD * rng.randn(BATCH, n)
                y = x[rows, table[rng.randint(0, n, size=BATCH)]]
                _, opt_state = self.update(opt_state, jnp.asarray(x), jnp.asarray(y), epoch)
        return ReferenceRun(recovered(opt_state), max_epochs, max_epochs * BATCHES_PER_EPOCH,
                            time.perf_counter() - t0)
