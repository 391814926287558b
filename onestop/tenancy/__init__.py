"""Tenants (a province, a city, an enterprise), their administrative regions and their
departments. Public face: ``access``, ``actions``, ``specs``, ``error_codes``."""
