"""Electronic certificates (电子证照) as W3C Verifiable Credentials 2.0: certificate types,
issuers' keys, signing and verification, revocation by status list, the citizen's wallet
and reuse of a certificate instead of an upload. Public face: ``access``, ``actions``,
``verification``, ``views``, ``api``, ``kpis``."""
