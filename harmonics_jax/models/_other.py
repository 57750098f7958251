r"""The other models covered by the theorem (CONVENTIONS.md, 'Other models'; Propositions
13–14 of Marchetti et al.): the order-2 spectral (bispectral) network and the complex
logistic neuron.  Same weight format and interface as :func:`power_spectral_network`:
weights are a tuple of blocks ``W_i`` of shape ``(n, d_i, d_i)``; ``apply`` acts on one
signal ``x`` of shape ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jaxtyping import Array, Complex, Float, PRNGKeyArray

from ._blocks import check_block_dims
from ._power_spectral import Model, random_unitary_matrix, unitary_init

__all__ = ["bispectrum", "bispectral_network", "logistic_neuron", "logistic_neuron_network"]


def _all_pairs(k: int) -> tuple[tuple[int, int], ...]:
    return tuple((i, j) for i in range(k) for j in range(i, k))


def bispectrum(W: Sequence[Complex[Array, "n d d"]], x: Complex[Array, " n"],
               pairs: Sequence[tuple[int, int]] | None = None
               ) -> tuple[Complex[Array, "D D"], ...]:
    r"""Order-2 spectral network: for each block pair (i, j),

        φ_ij(W, x) = (W_i(x) ⊗ W_j(x)) · Σ_g conj(x(g)) (W_i[g] ⊗ W_j[g])^†,

    a ``(d_i d_j)``-square matrix (``W_i(x) = Σ_g x(g) W_i[g]``).  With ``W_i[g] = A_i ρ_i(g)^†``
    it is invariant: the factor ``(ρ_i ⊗ ρ_j)(g)`` cancels between the two terms.
    ``pairs`` defaults to every ``i ≤ j``.

    Example:
        >>> import jax.numpy as jnp
        >>> [b.shape for b in bispectrum((jnp.ones((3, 1, 1)), jnp.ones((3, 2, 2))), jnp.ones(3))]
        [(1, 1), (2, 2), (4, 4)]
    """
    W = tuple(W)
    pairs = _all_pairs(len(W)) if pairs is None else tuple(pairs)
    wx = [jnp.einsum("g,gjk->jk", x, w) for w in W]
    out = []
    for i, j in pairs:
        left = jnp.kron(wx[i], wx[j])
        tensor = jax.vmap(jnp.kron)(W[i], W[j])  # (n, d_i d_j, d_i d_j)
        right = jnp.einsum("g,gkl->kl", jnp.conj(x), jnp.conj(jnp.swapaxes(tensor, -1, -2)))
        out.append(left @ right)
    return tuple(out)


def bispectral_network(block_dims: Sequence[int],
                       pairs: Sequence[tuple[int, int]] | None = None) -> Model:
    r"""The bispectral (order-2 spectral) network on blocks of dimensions ``block_dims``;
    ``apply(W, x)`` is :func:`bispectrum` over ``pairs`` (default all ``i ≤ j``).

    Example:
        >>> import jax
        >>> net = bispectral_network((1, 1, 2))
        >>> W = net.init(jax.random.key(0), 6)
        >>> len(net.apply(W, jax.numpy.ones(6)))
        6
    """
    dims = check_block_dims(block_dims)
    if pairs is not None:
        pairs = tuple((int(i), int(j)) for i, j in pairs)
        for i, j in pairs:
            if not (0 <= i < len(dims) and 0 <= j < len(dims)):
                raise ValueError(f"pairs: ({i}, {j}) is out of range for {len(dims)} blocks")
    return Model(unitary_init(dims), lambda W, x: bispectrum(W, x, pairs))


def logistic_neuron(w: Complex[Array, " n"], x: Complex[Array, " n"], bias: float = 0.0
                    ) -> Float[Array, ""]:
    r"""Complex McCulloch–Pitts neuron ``σ(Σ_g w_g x(g))`` with the logistic of the modulus
    ``σ(z) = 1/(1 + e^{−|z|}) + b``.  Invariant when ``w_g = u·conj(χ(g))`` for a
    one-dimensional irrep (character) χ: then ``Σ_g w_g (h·x)(g) = conj(χ(h)) Σ_g w_g x(g)``.

    Example:
        >>> import jax.numpy as jnp
        >>> float(logistic_neuron(jnp.zeros(3), jnp.ones(3)))
        0.5
    """
    z = jnp.sum(w * x)
    return jax.nn.sigmoid(jnp.abs(z)) + bias


def logistic_neuron_network(num_neurons: int, bias: float = 0.0) -> Model:
    r"""A layer of ``num_neurons`` logistic neurons in the common weight format: blocks of
    dimension 1, ``W_i`` of shape ``(n, 1, 1)``; ``apply(W, x)[i] = σ(Σ_g W_i[g] x(g))``.
    The Fourier-transform weights ``W_i[g] = A_i ρ_i(g)^†`` (ρ_i one-dimensional) are
    invariant.

    Example:
        >>> import jax
        >>> net = logistic_neuron_network(2)
        >>> W = net.init(jax.random.key(0), 4)
        >>> [float(v) > 0.5 for v in net.apply(W, jax.numpy.ones(4))]
        [True, True]
    """
    if isinstance(num_neurons, bool) or not isinstance(num_neurons, int) or num_neurons < 1:
        raise ValueError(f"num_neurons must be a positive integer, got {num_neurons!r}")

    def init(key: PRNGKeyArray, n: int) -> tuple[Array, ...]:
        if num_neurons > n:
            raise ValueError(f"num_neurons = {num_neurons} exceeds the group order {n}; the "
                             f"weights are the first num_neurons columns of a unitary matrix")
        F = random_unitary_matrix(key, n)[:, :num_neurons]
        return tuple(F[:, i].reshape(n, 1, 1) for i in range(num_neurons))

    def apply(W, x):
        return tuple(logistic_neuron(w[:, 0, 0], x, bias) for w in W)

    return Model(init, apply)
