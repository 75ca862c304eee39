"""The ``switchboard`` command: ``python -m switchboard`` or the
``switchboard`` console script (``switchboard --help``)."""

import sys

from ._native import _cli


def main() -> None:
    """Runs the command line and exits with its code."""
    sys.exit(_cli(["switchboard", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
