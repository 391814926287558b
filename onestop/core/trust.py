"""Identity trust levels, shared by identity (which grants them) and the catalogue
(whose service items state the lowest level they accept)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustLevel(models.IntegerChoices):
    L1 = 1, _("L1 · registered")
    L2 = 2, _("L2 · own details, format checked")
    L3 = 3, _("L3 · name and ID number matched with the population registry")
    L4 = 4, _("L4 · real person confirmed by a face check")
    L5 = 5, _("L5 · digital certificate or in-person check")
