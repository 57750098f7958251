"""Command line entry point ``harmonics`` (filled in by the CLI module)."""


def main(argv=None) -> int:  # pragma: no cover - replaced by the real CLI
    raise SystemExit("harmonics: CLI not built yet")
