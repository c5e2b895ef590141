"""dctwin engine.  Its subpackages follow the data's path (docs/architecture.md):

inputs -> measures -> engine (kernels of :mod:`components`) -> metrics -> calibration, study ->
report -> cli.  A module imports only its own layer and the layers before it; ``twin/errors.py``
(the one-line :class:`~twin.errors.InputError`) sits below them all.

Importing the package configures nothing global; the physics lives in :mod:`components`.
"""

__version__ = "0.1.0"  # the one source of the version (pyproject [tool.hatch.version], dctwin --version)
