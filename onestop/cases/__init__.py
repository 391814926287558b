"""Applications and cases (办件): forms, submission, routing, the lifecycle of the
Administrative Licensing Law with working-day deadlines, the officer's queue, the
citizen's applications, ratings (好差评). Public face: ``access``, ``actions``,
``lifecycle``, ``views``, ``api``, ``kpis``, ``error_codes``."""
