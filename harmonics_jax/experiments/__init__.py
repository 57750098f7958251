"""The paper's experiments, reproduced: Figure 2 (recovered tables) and Figure 3 (table
accuracy against noise) for the reference code's recipe and ours, each writing PNG + CSV;
the Figure-3 ablation; and the closed form that predicts the reference recipe's transition."""

from ._fig3 import ABLATION as ABLATION
from ._fig3 import PAPER_FIG3 as PAPER_FIG3
from ._fig3 import OursRecipe as OursRecipe
from ._fig3 import figure3 as figure3
from ._fig3 import figure3_ablation as figure3_ablation
from ._fig3 import ours_curve as ours_curve
from ._fig3 import paper_curve as paper_curve
from ._fig3 import transition_point as transition_point
from ._fig3_theory import READ_BACK_LIMIT as READ_BACK_LIMIT
from ._fig3_theory import effective_penalty as effective_penalty
from ._fig3_theory import predicted_transition as predicted_transition
from ._fig3_theory import shrink_factor as shrink_factor
from ._fig3_theory import shrunk_objective as shrunk_objective
from ._figures import figure2 as figure2
from ._paper_recipe import PaperRecipe as PaperRecipe
from ._paper_recipe import PaperRunScores as PaperRunScores
from ._paper_recipe import paper_recipe_loss as paper_recipe_loss
from ._paper_recipe import score_paper_runs as score_paper_runs
from ._paper_recipe import table_up_to_relabelling as table_up_to_relabelling
from ._paper_recipe import train_paper_recipe as train_paper_recipe
