"""Entry point for ``python -m mpi_dash``."""

import sys

from mpi_dash.cli import main

if __name__ == "__main__":
    sys.exit(main())
