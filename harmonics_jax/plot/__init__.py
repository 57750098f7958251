r"""Pictures of groups, irreps and trained networks (matplotlib, imported only when a
function draws).

Complex matrices are drawn with hue = phase and brightness = modulus (:func:`complex_to_rgb`,
with a colour wheel beside every such picture).  Every function returns a
``matplotlib.figure.Figure`` made without pyplot (no backend switch, no global state; in a
notebook, the returned figure displays itself) and saves it atomically when given
``path=`` (format from the suffix: .png, .svg, .pdf); :func:`save_figure` saves any figure.

Layer: above :mod:`harmonics_jax.verify` and :mod:`harmonics_jax.runner` (it reads their
results), below the command line; ``import harmonics_jax`` does not import it.
"""

from ._blocks import MAX_ELEMENTS as MAX_ELEMENTS
from ._blocks import AlignedBlocks as AlignedBlocks
from ._blocks import aligned_blocks as aligned_blocks
from ._blocks import blocks_canvas as blocks_canvas
from ._blocks import blocks_vs_irreps as blocks_vs_irreps
from ._blocks import complex_matrix as complex_matrix
from ._blocks import irrep_matrices as irrep_matrices
from ._canvas import save_figure as save_figure
from ._colour import BACKGROUND as BACKGROUND
from ._colour import complex_to_rgb as complex_to_rgb
from ._colour import tile_matrices as tile_matrices
from ._curves import fraction_meeting as fraction_meeting
from ._curves import history_arrays as history_arrays
from ._curves import training_curves as training_curves
from ._overview import GroupOutcome as GroupOutcome
from ._overview import blocks_over_training as blocks_over_training
from ._overview import verify_overview as verify_overview
from ._tables import LABEL_LIMIT as LABEL_LIMIT
from ._tables import cayley_table as cayley_table
from ._tables import character_table as character_table

__all__ = [
    "AlignedBlocks", "BACKGROUND", "GroupOutcome", "LABEL_LIMIT", "MAX_ELEMENTS",
    "aligned_blocks", "blocks_canvas", "blocks_over_training", "blocks_vs_irreps", "cayley_table", "character_table",
    "complex_matrix", "complex_to_rgb", "fraction_meeting", "history_arrays", "irrep_matrices", "save_figure",
    "tile_matrices", "training_curves", "verify_overview",
]
