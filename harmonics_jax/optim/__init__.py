r"""The training recipe as optax transforms, for any training loop (ours, yours, Flax's).

:func:`unitary_adam` is the default recipe of :mod:`harmonics_jax.training` as one optax
``GradientTransformation``: the gradient projected on the tangent space of √n·U(n)
(:func:`project_to_unitary_tangent`), Adam, the rounds schedule
(:func:`rounds_schedule`, :func:`scale_by_rounds_schedule`) and a Newton–Schulz retraction
(:func:`retract_to_unitary`).  Between rounds, :func:`redraw_noninvariant_blocks` re-draws
the blocks still far from invariant and :func:`restart_round` restarts Adam (or lets a
network that re-drew nothing polish at the final learning rate).

Complex convention: the transforms expect optax's, ``G = ∂L/∂Re F + i ∂L/∂Im F =
conj(jax.grad(L)(F))``.  Every transform is pure (``init``/``update``, NamedTuple states)
and works leafwise on stacked weight matrices of shape ``(..., n, m)``.
"""

from ._alias import unitary_adam as unitary_adam
from ._constraints import project_to_unitary_tangent as project_to_unitary_tangent
from ._constraints import retract_to_unitary as retract_to_unitary
from ._redraw import redraw_noninvariant_blocks as redraw_noninvariant_blocks
from ._redraw import restart_round as restart_round
from ._schedules import RoundsScheduleState as RoundsScheduleState
from ._schedules import rounds_schedule as rounds_schedule
from ._schedules import scale_by_rounds_schedule as scale_by_rounds_schedule
