"""``python -m larscheck`` runs the command-line interface."""

import sys

from larscheck.cli import main

sys.exit(main())
