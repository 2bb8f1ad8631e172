"""`python -m backpain_cli` behaves exactly like the `backpain` command."""

from backpain_cli.cli import main

if __name__ == "__main__":
    main(prog_name="backpain")
