"""The service catalogue: service items (政务服务事项) with their national fields, themes,
life events (一件事) and search. Public face: ``access``, ``actions``, ``specs``, ``api``,
``views``, ``kpis``, ``error_codes``."""
