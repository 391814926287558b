"""Real-name identity: citizen and staff accounts, trust levels L1–L5, roles, sessions,
and the protection of the personal data identity holds. Public face: ``access``,
``actions``, ``idnumber``, ``permissions``, ``kpis``, ``views``, ``error_codes``."""
