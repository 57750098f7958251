"""The paper's experiments, reproduced: Figure 2 (recovered tables) and Figure 3 (table
accuracy against noise), each writing PNG + CSV."""

from ._figures import PAPER_FIG3 as PAPER_FIG3
from ._figures import figure2 as figure2
from ._figures import figure3 as figure3
