"""Policies: the YAML model, loading and atomic reload."""
