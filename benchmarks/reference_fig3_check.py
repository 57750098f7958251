"""Cross-check of the Figure-3 mechanism on the authors' own PyTorch code.

Trains the reference model (``models_torch.spectral_net``) on their dataset
(``datasets.group_dset``) with their recipe (Adam 1e-3, batch 4, η = 10, 50 epochs of 250
batches; ``train_torch.py``) on a cyclic group at a few noise levels, then prints their
table score (``utils.perm_frobenius``; 0 = recovered) and the mean modulus of the trained
slices W(g), g ≠ e.  The closed form of ``harmonics_jax.experiments.shrink_factor`` predicts
that modulus, and the table failing once it is below 1/√3 ≈ 0.577.

Nothing of the reference repository is copied here: point ``--ref`` at a checkout of
https://github.com/sophiaas/spectral-universality (commit 649cc07) and run this with a Python
that has torch, numpy and matplotlib (their requirements), e.g.::

    python benchmarks/reference_fig3_check.py --ref /path/to/spectral-universality \\
        --order 5 --noise 0.5,0.65 --runs 1

It is slow (their loop: ~0.03 s per step on one CPU core, ~6–15 min per run).
"""

from __future__ import annotations

import argparse
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", required=True, help="checkout of sophiaas/spectral-universality")
    ap.add_argument("--order", type=int, default=5, help="cyclic group order (default 5)")
    ap.add_argument("--noise", default="0.5,0.65", help="comma list of noise std values")
    ap.add_argument("--runs", type=int, default=1, help="runs per noise level")
    ap.add_argument("--epochs", type=int, default=50, help="epochs of 250 batches (theirs: 50)")
    args = ap.parse_args()
    sys.path.insert(0, args.ref)
    import numpy as np
    import torch
    from datasets import group_dset
    from groups import cyclic
    from models_torch import spectral_net
    from utils import perm_frobenius, perm_matrices

    torch.set_num_threads(1)
    group = cyclic(args.order)
    perms = perm_matrices(group.order)
    for noise in (float(v) for v in args.noise.split(",")):
        for run in range(args.runs):
            start = time.time()
            np.random.seed(1000 * run + int(round(noise * 1000)))  # their data use NumPy's RNG
            torch.manual_seed(run)
            loader = torch.utils.data.DataLoader(group_dset(group, 1.0, noise), batch_size=4,
                                                 shuffle=True)
            model = spectral_net(group.order, group.irrep_dims)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            for _ in range(args.epochs):
                for x, y in loader:
                    opt.zero_grad()
                    (model.loss(x, y).mean() + 10.0 * model.reg()).backward()
                    opt.step()
            score = perm_frobenius(group.cayley_table, model.get_table().cpu().numpy(), perms,
                                   group.order)
            modulus = np.mean([torch.view_as_complex(w.detach()).abs().mean().item()
                               for w in model.W])
            print(f"C{args.order} noise {noise} run {run}: score {score:.3f} "
                  f"(recovered: {score == 0}), mean |W(g)| over g ≠ e {modulus:.3f}, "
                  f"{time.time() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
