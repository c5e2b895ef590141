"""Physical component models of a data centre, compiled with Numba.

Every function here works on floats or NumPy arrays in SI units (W, J, kg/s, Pa) with
temperatures in degrees Celsius and temperature differences in kelvin.  Nothing in this package
reads files, keeps global state or knows about SimPy; :mod:`twin` assembles the parameters and
drives the kernels.
"""
