"""Reports: terminal tables (rich), figures (matplotlib) and HTML."""
