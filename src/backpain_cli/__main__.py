"""The `backpain` command's entry point; `python -m backpain_cli` behaves exactly the same."""

import sys


def run() -> None:
    """Start the CLI; a Ctrl-C while Python is still importing it exits quietly (130)."""
    try:
        from backpain_cli.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main(prog_name="backpain")


if __name__ == "__main__":
    run()
