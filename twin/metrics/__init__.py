"""Metrics computed from a :class:`twin.engine.results.Result`: energy, PUE family, water, policy."""
