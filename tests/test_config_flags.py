"""Every TrainConfig field is reachable from ``harmonics sweep`` and ``harmonics verify``."""

import dataclasses
import json

import pytest

from harmonics_jax.cli import build_parser, main
from harmonics_jax.cli._sweep_cmd import config_from_args
from harmonics_jax.training import TrainConfig

# A value other than the default for every field, as typed on the command line.  A new
# TrainConfig field fails test_every_field_has_a_flag until it is given one here.
NON_DEFAULT = {
    "steps": (["--steps", "1000"], 1000),
    "batch_size": (["--batch", "8"], 8),
    "log_every": (["--log-every", "50"], 50),
    "block_dims": (["--blocks", "1,1,2"], (1, 1, 2)),
    "constraint": (["--constraint", "penalty"], "penalty"),
    "objective": (["--objective", "expected"], "expected"),
    "init": (["--init", "gaussian"], "gaussian"),
    "schedule": (["--schedule", "exponential"], "exponential"),
    "warmup_steps": (["--warmup-steps", "10"], 10),
    "final_lr_ratio": (["--final-lr-ratio", "0.01"], 0.01),
    "restarts": (["--restarts", "2"], 2),
    "rounds": (["--rounds", "4"], 4),
    "reset_threshold": (["--reset-threshold", "0.05"], 0.05),
    "retraction_iters": (["--retraction-iters", "3"], 3),
    "eval_signals": (["--eval-signals", "4"], 4),
    "dtype": (["--dtype", "float64"], "float64"),
    "history": (["--history", "curves"], "curves"),
    "stop_when_verified": (["--stop-when-verified"], True),
}


def _config(argv):
    args = build_parser().parse_args(argv)
    blocks = getattr(args, "blocks", None)
    return config_from_args(args, None if blocks is None else tuple(blocks))[0]


def test_every_field_has_a_flag():
    assert set(NON_DEFAULT) == {f.name for f in dataclasses.fields(TrainConfig)}
    for command in ("sweep", "verify"):
        base = [command, "--group", "S3", "--out", "X"] if command == "sweep" else [command]
        assert _config(base) == TrainConfig()  # no flag: the defaults
        for name, (argv, value) in NON_DEFAULT.items():
            if name == "block_dims" and command == "verify":
                continue  # block dimensions are per group: harmonics sweep --blocks
            got = _config(base + argv)
            assert getattr(got, name) == value != getattr(TrainConfig(), name), name
            assert got == dataclasses.replace(TrainConfig(), **{name: value})  # only that one
        every = [a for n, (argv, _) in NON_DEFAULT.items() for a in argv
                 if command == "sweep" or n != "block_dims"]
        assert _config(base + every).rounds == 4
    assert _config(["verify", "--steps", "1000", "--rounds", "auto"]).rounds is None


def test_help_shows_every_default():
    text = " ".join(build_parser()._subparsers._group_actions[0].choices["sweep"]
                    .format_help().split())
    for phrase in ("--rounds INT TrainConfig.rounds (default: auto;",
                   "--final-lr-ratio FLOAT TrainConfig.final_lr_ratio (default: 0.001)",
                   "--history {none,curves,full} TrainConfig.history (default: full)",
                   "--eval-signals INT TrainConfig.eval_signals (default: 8)"):
        assert phrase in text, phrase


@pytest.mark.parametrize("argv, message", [
    (["--rounds", "x"], "argument --rounds: expected an integer or 'auto', got 'x'"),
    (["--final-lr-ratio", "big"], "argument --final-lr-ratio: expected a number, got 'big'"),
    (["--dtype", "float16"], "argument --dtype: invalid choice: 'float16'"),
    (["--roundz", "3"], "unrecognized arguments: --roundz 3"),
])
def test_ill_typed_or_unknown_flags_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sweep", "--group", "C2", "--out", "X"] + argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--steps", "1000", "--rounds", "3"],
     "TrainConfig.rounds (--rounds) = 3 does not divide steps = 1000"),
    (["--steps", "50", "--warmup-steps", "50"],
     "TrainConfig.warmup_steps (--warmup-steps) = 50 must be smaller"),
    (["--restarts", "0"], "TrainConfig.restarts (--restarts) must be a positive integer"),
    (["--log-every", "0"], "TrainConfig.log_every (--log-every) must be a positive integer"),
])
def test_inconsistent_values_name_the_flag(argv, message, tmp_path, capsys):
    assert main(["sweep", "--group", "C2", "--out", str(tmp_path / "o")] + argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_flags_reach_the_training(tmp_path):
    out = tmp_path / "o"
    rc = main(["sweep", "--group", "C2", "--seeds", "2", "--steps", "50", "--rounds", "2",
               "--log-every", "5", "--history", "none", "--out", str(out), "--no-progress"])
    assert rc == 0
    config = json.loads((out / "spec.json").read_text())["spec"]["config"]
    assert (config["steps"], config["rounds"], config["log_every"]) == (50, 2, 5)
    assert config["warmup_steps"] == 12 and config["history"] == "none"  # resolved: 25 // 2
