"""Shared by the large-order benchmarks: the ladder of groups (relabelled as the census sees
them), recipe specifications on the command line, and one timed train-and-verify pass.

A group spec is a name of :func:`harmonics_jax.named_group` (``S4``, ``A5``, ``S5``), a
SmallGroups id ``ORDER.ID`` (``72.41``) or ``SL(2,5)`` (order 120, beyond the shipped
library).  Every group is relabelled by a permutation drawn from its spec, so the identity
sits at a random label and no structure of GAP's labelling is left for the optimiser.

A recipe spec is ``field=value,...`` of :class:`~harmonics_jax.training.TrainConfig`, plus
``lr=`` for the peak learning rate (``Hyperparams.learning_rate``); ``default`` is
``TrainConfig()`` itself.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
import zlib

import jax
import numpy as np

import harmonics_jax as hj
from harmonics_jax.training import Hyperparams, TrainConfig, sweep
from harmonics_jax.verify import verify_batched


def sl25() -> hj.FiniteGroup:
    """SL(2,5) = SmallGroup(120,5), the binary icosahedral group, acting on the 24 non-zero
    vectors of F_5²."""
    vecs = [v for v in itertools.product(range(5), repeat=2) if v != (0, 0)]
    index = {v: i for i, v in enumerate(vecs)}

    def perm(a, b, c, d):
        return [index[((a * x + b * y) % 5, (c * x + d * y) % 5)] for x, y in vecs]

    return hj.from_permutations([perm(1, 1, 0, 1), perm(0, 4, 1, 0)], name="SL(2,5)")


def ladder_group(spec: str) -> hj.FiniteGroup:
    """The group named by ``spec`` (see the module docstring), relabelled."""
    if spec == "SL(2,5)":
        G = sl25()
    elif "." in spec:
        order, index = (int(v) for v in spec.split("."))
        G = hj.small_group(order, index)
    else:
        G = hj.named_group(spec)
    perm = np.random.default_rng(zlib.crc32(spec.encode())).permutation(G.order)
    return hj.relabel(G, perm, name=f"{spec} (relabelled)")


def parse_recipe(spec: str) -> tuple[TrainConfig, float]:
    """``field=value,...`` → (TrainConfig, peak learning rate)."""
    lr = float(Hyperparams().learning_rate)
    kwargs = {}
    if spec not in ("", "default"):
        types = {f.name: f.type for f in dataclasses.fields(TrainConfig)}
        for item in spec.split(","):
            name, value = item.split("=")
            if name == "lr":
                lr = float(value)
            elif name not in types:
                raise SystemExit(f"unknown TrainConfig field {name!r} in recipe {spec!r}")
            elif value == "None":
                kwargs[name] = None
            elif "float" in str(types[name]):
                kwargs[name] = float(value)
            elif "int" in str(types[name]):
                kwargs[name] = int(value)
            else:
                kwargs[name] = value
    return TrainConfig(**kwargs), lr


_VERIFY_COMPILED: dict = {}


def verify_compile_seconds(G: hj.FiniteGroup, seeds: int) -> float:
    """Compile ``verify_batched`` for ``seeds`` networks of ``G`` (on random unitary weights)
    and return the seconds it took; 0 if already compiled.  Every recipe is then verified
    by the same warm program, so the order of the recipes does not favour any."""
    if (G, seeds) in _VERIFY_COMPILED:
        return 0.0
    t0 = time.perf_counter()
    keys = jax.random.split(jax.random.key(0), seeds)
    F = jax.vmap(lambda k: hj.models.random_unitary_matrix(k, G.order))(keys)
    np.asarray(verify_batched(hj.SpectralWeights(F, hj.irrep_dims(G)), G).hypotheses_met)
    _VERIFY_COMPILED[(G, seeds)] = time.perf_counter() - t0
    return _VERIFY_COMPILED[(G, seeds)]


def train_and_verify(G: hj.FiniteGroup, config: TrainConfig, lr: float, seeds: int,
                     key: int = 0) -> dict:
    """One pass: ``sweep`` (cold: compilation included) then ``verify_batched`` (warm: see
    :func:`verify_compile_seconds`); the seconds of each, how many networks met the
    hypotheses and how many of those passed every conclusion ("verified")."""
    verify_compile_seconds(G, seeds)
    t0 = time.perf_counter()
    r = sweep(jax.random.key(key), G, config, seeds, Hyperparams(learning_rate=lr))
    jax.block_until_ready(r.weights.F)
    t1 = time.perf_counter()
    rep = verify_batched(r.weights[0], G)
    met = np.asarray(rep.hypotheses_met)
    verified = met & np.asarray(rep.fourier_recovered)
    t2 = time.perf_counter()
    total = t2 - t0
    return dict(train_s=t1 - t0, verify_s=t2 - t1, seconds=total, seeds=seeds,
                met=int(met.sum()), verified=int(verified.sum()),
                s_per_16_verified=(16 * total / int(verified.sum()) if verified.any()
                                   else float("inf")),
                median_invariance_defect=float(np.median(rep.invariance_defect)),
                invariance_defects=[float(v) for v in np.asarray(rep.invariance_defect)])
