"""The kinds identity names: of accounts, of roles, of one-time codes. Other apps use them
by these names (the models are identity's own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")
    PARTNER_DEVELOPER = "partner_developer", _("Partner developer")
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")


class RoleKind(models.TextChoices):
    OFFICER = "officer", _("Department officer")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    TENANT_OPERATOR = "tenant_operator", _("Tenant operator")
    PLATFORM_OPERATOR = "platform_operator", _("Platform operator")


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Registration")
    LOGIN = "login", _("Login")
