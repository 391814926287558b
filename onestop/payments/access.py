"""Reads of bills and orders: a payer reads their own; anyone else's bill or order answers
exactly like a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import NotFound
from onestop.payments.error_codes import PaymentsErrorCode
from onestop.payments.models import Bill

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant


def bills_of(tenant: Tenant, payer: User) -> QuerySet[Bill]:
    return Bill.objects.filter(tenant=tenant, payer=payer).order_by("-issued_at", "-id")


def access_bill(tenant: Tenant, payer: User, number: str) -> Bill:
    bill = bills_of(tenant, payer).filter(number=number).first()
    if bill is None:
        raise NotFound(PaymentsErrorCode.BILL_NOT_FOUND, _("No such bill."))
    return bill
