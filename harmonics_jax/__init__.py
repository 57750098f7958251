"""harmonics_jax: verify, on any finite group, that invariant networks learn the group
Fourier transform (Marchetti, Hillar, Kragic & Sanborn, "Harmonics of Learning", COLT 2024).

Conventions: CONVENTIONS.md in the repository (action, Fourier transform, normalisation).
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from ._constructors import alternating as alternating
from ._constructors import cyclic as cyclic
from ._constructors import dicyclic as dicyclic
from ._constructors import dihedral as dihedral
from ._constructors import direct_product as direct_product
from ._constructors import from_permutations as from_permutations
from ._constructors import named_group as named_group
from ._constructors import quaternion as quaternion
from ._constructors import relabel as relabel
from ._constructors import semidirect_product as semidirect_product
from ._constructors import symmetric as symmetric
from ._group import FiniteGroup as FiniteGroup
from ._group import validate_cayley_table as validate_cayley_table
from ._characters import CharacterTable as CharacterTable
from ._characters import character_table as character_table
from ._irreps import irrep_dims as irrep_dims
from ._irreps import irreps as irreps
from ._fourier import act as act
from ._fourier import convolve as convolve
from ._fourier import fourier_transform as fourier_transform
from ._fourier import inverse_fourier_transform as inverse_fourier_transform
from ._fourier import power_spectrum as power_spectrum
from ._laws import GroupAxiomResiduals as GroupAxiomResiduals
from ._laws import IrrepSetResiduals as IrrepSetResiduals
from ._laws import RepresentationResiduals as RepresentationResiduals
from ._laws import group_axiom_residuals as group_axiom_residuals
from ._laws import invariance_residual as invariance_residual
from ._laws import irrep_set_residuals as irrep_set_residuals
from ._laws import representation_residuals as representation_residuals
from ._small_groups import num_small_groups as num_small_groups
from ._isomorphism import GroupInvariants as GroupInvariants
from ._isomorphism import are_isomorphic as are_isomorphic
from ._isomorphism import group_invariants as group_invariants
from ._isomorphism import is_isomorphism as is_isomorphism
from ._identify import Identification as Identification
from ._identify import identify as identify
from ._small_groups import small_group as small_group
from ._small_groups import small_groups as small_groups
from . import discovery as discovery
from . import models as models
from . import optim as optim
from . import runner as runner
from . import training as training
from . import verify as verify
from .discovery import discover as discover
from .models import SpectralWeights as SpectralWeights
from .training import Hyperparams as Hyperparams
from .training import TrainConfig as TrainConfig
from .training import sweep as sweep
from .training import train as train

try:
    __version__ = _version("harmonics_jax")
except _PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
