"""Integrations identity relies on: the population registry (L3) and face checks (L4).
Each is a base class with a registry of plugins and a sandbox plugin."""
