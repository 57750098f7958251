r"""Symmetry discovery from data alone (the paper's §3.3, end to end): given only pairs
(x, y) of signals with y = σ·x for permutations σ from an unknown group acting regularly on
the coordinates, find the group's order, irrep dimensions and Cayley table, certify them and
name the group.

:func:`discover` runs the whole pipeline; its pieces are public: :func:`candidate_dims`
(the dimension multisets a group of order n can have, from theorems),
:func:`train_on_pairs` (power-spectral networks trained on the pairs, vmapped over seeds and
candidates), :func:`data_consistency` (is every pair a left translation of a table?) and
:func:`write_discovery` (``discovery.json`` and a figure).  Reading the table off a network
is :func:`harmonics_jax.verify.read_table`.

Data flow: this package sits on top (groups, models, optim, training, verify, runner);
nothing below imports it.
"""

from ._candidates import candidate_dims as candidate_dims
from ._consistency import DataConsistency as DataConsistency
from ._consistency import data_consistency as data_consistency
from ._discover import CandidateVerdict as CandidateVerdict
from ._discover import Discovery as Discovery
from ._discover import discover as discover
from ._train import PairTraining as PairTraining
from ._train import standardize_pairs as standardize_pairs
from ._train import train_on_pairs as train_on_pairs
from ._output import write_discovery as write_discovery
