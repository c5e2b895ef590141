"""Electrical storage, backup and on-site generation: batteries, flywheels, diesel and fuel-cell
backup, and photovoltaics.  Parameter sets with their sources: ``components/data/storage.toml``."""
