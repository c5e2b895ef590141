"""Metrics computed from a :class:`twin.results.Result`: energy, PUE family, water, policy."""
