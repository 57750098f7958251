"""Testing helpers for harmonics_jax.

``harmonics_jax.testing`` itself imports without Hypothesis; its strategies
(:mod:`harmonics_jax.testing.strategies`: ``finite_groups``, ``small_groups``,
``group_elements``, ``signals``) need it, from the ``test`` extra
(``pip install 'harmonics_jax[test]'``), and say so with an ``ImportError`` when it is
missing.  The strategies are also reachable here (``harmonics_jax.testing.finite_groups``),
imported on first use.
"""

from .._constructors import relabel as relabel

_STRATEGIES = ("finite_groups", "group_elements", "signals", "small_groups")

__all__ = ["relabel", *_STRATEGIES]


def __getattr__(name: str):
    if name in _STRATEGIES:
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
