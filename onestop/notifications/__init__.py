"""Telling people what happened: the outbox relay, the in-app message centre and the SMS
and email channels. Public face: ``relay``, ``tasks``, ``access``, ``views``."""
