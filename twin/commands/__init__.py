"""Sub-commands of the ``dctwin`` command line, one module each."""
