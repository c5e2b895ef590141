"""dctwin engine: weather, IT load, plant assembly, the SimPy loop, results, metrics and the CLI.

Importing the package configures nothing global; the physics lives in :mod:`components`.
"""

__version__ = "0.1.0"  # the one source of the version (pyproject [tool.hatch.version], dctwin --version)
