"""Data exchange between departments (once-only): departments publish data services; a
case in another department may query them only with a purpose tied to that case and the
citizen's consent or a stated legal basis; every query is logged and the citizen sees
who looked at their data, when and why. Public face: ``access``, ``actions``, ``views``."""
