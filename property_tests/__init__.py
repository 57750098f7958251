"""Property tests (Hypothesis); a package so that its conftest does not clash with tests/."""
