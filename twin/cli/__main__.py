"""``python -m twin.cli ...``: the same command line as ``dctwin ...`` (and ``python -m dctwin``)."""

import sys

from twin.cli import console

sys.exit(console())
