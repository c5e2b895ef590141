"""``python -m dctwin ...``: the same command line as ``dctwin ...``."""

import sys

from dctwin import console

sys.exit(console())
