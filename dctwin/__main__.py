"""``python -m dctwin ...``: the same command line as ``dctwin ...``."""

import sys

from dctwin import main

sys.exit(main())
