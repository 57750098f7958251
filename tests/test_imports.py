"""What importing costs: ``import harmonics_jax`` (and ``harmonics_jax.plot``) must not pull in
matplotlib, and ``harmonics_jax.testing`` must import without Hypothesis, whose absence only
the strategies module reports, naming the ``test`` extra.  Each runs in a fresh interpreter,
with a negative control showing the check can see the thing it forbids."""

import subprocess
import sys
import textwrap

BLOCK_HYPOTHESIS = textwrap.dedent("""
    import sys

    class HideHypothesis:
        def find_spec(self, name, path=None, target=None):
            if name == "hypothesis" or name.startswith("hypothesis."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, HideHypothesis())
""")


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300)


def test_importing_the_package_and_plot_does_not_import_matplotlib():
    out = run("""
        import sys
        import harmonics_jax, harmonics_jax.plot, harmonics_jax.verify, harmonics_jax.training
        print("before", "matplotlib" in sys.modules)
        harmonics_jax.plot.cayley_table(harmonics_jax.named_group("C3"))
        print("after", "matplotlib" in sys.modules)
    """)
    assert out.returncode == 0, out.stderr
    # the second line is the negative control: drawing does import it, and the check sees it
    assert out.stdout.split("\n")[:2] == ["before False", "after True"]


def test_testing_imports_without_hypothesis_and_strategies_name_the_extra():
    out = run(BLOCK_HYPOTHESIS + textwrap.dedent("""
        import harmonics_jax.testing as t
        print(t.relabel.__name__, "hypothesis" in sys.modules)
        for attempt in ("import harmonics_jax.testing.strategies", "t.finite_groups"):
            try:
                exec(attempt)
            except ImportError as err:
                print("ImportError:", err)
    """))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().split("\n")
    assert lines[0] == "relabel False"
    assert len(lines) == 3
    for line in lines[1:]:
        assert line.startswith("ImportError: harmonics_jax.testing.strategies needs Hypothesis")
        assert "pip install 'harmonics_jax[test]'" in line


def test_the_hypothesis_blocker_is_what_hides_it():
    # Negative control: Hypothesis is installed here, so the test above only passes because
    # the blocker hides it (and then a plain import fails).
    assert run("import hypothesis").returncode == 0
    hidden = run(BLOCK_HYPOTHESIS + "import hypothesis")
    assert hidden.returncode != 0 and "No module named 'hypothesis'" in hidden.stderr
    assert run("from harmonics_jax.testing import finite_groups; "
               "print(finite_groups.__name__)").stdout.strip() == "finite_groups"
