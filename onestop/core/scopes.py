"""The scopes of partner apps' access tokens, shared by every API module that takes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CATALOGUE_READ = "catalogue:read", _("Read the service catalogue")
    CASES_READ = "cases:read", _("Read the status of applications made through the app")
    CASES_WRITE = "cases:write", _("Submit applications on your behalf")
    CASES_PROCESS = "cases:process", _("Handle the cases of installed service items")
    CERTIFICATES_VERIFY = "certificates:verify", _("Verify electronic certificates")
    CERTIFICATES_REVOKE = "certificates:revoke", _("Revoke certificates its back office issued")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions")


# What a citizen can delegate to an app: everything else is the app's own business.
CITIZEN_SCOPES = frozenset({Scope.CATALOGUE_READ, Scope.CASES_READ, Scope.CASES_WRITE})
