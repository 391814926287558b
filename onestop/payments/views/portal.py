"""The payer's pages: my payments, a bill with the channels to pay it by, and the page the
channel sends the payer back to."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.core.errors import OnestopError
from onestop.identity.access import actor_for
from onestop.identity.pages import citizen_required
from onestop.payments.access import access_bill, bills_of
from onestop.payments.actions import do_open_payment_order
from onestop.payments.channels import ChannelUnavailable, enabled_channel, enabled_channels
from onestop.payments.models import Bill, BillState, OrderState
from onestop.payments.sweep import settle

if TYPE_CHECKING:
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

logger = logging.getLogger(__name__)
BILLS_PER_PAGE = 20


def bill_title(bill: Bill) -> str:
    """What a bill is for, in the reader's language: its first line."""
    first = bill.lines[0] if bill.lines else {}
    if get_language() == "en" and first.get("name_en"):
        return str(first["name_en"])
    return str(first.get("name", bill.number))


@citizen_required
def my_payments(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    page = Paginator(bills_of(tenant, user), BILLS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"bill": bill, "title": bill_title(bill)} for bill in page.object_list]
    return render(
        request, "payments/my_payments.html", {"tenant": tenant, "rows": rows, "page": page, "nav": "me"}
    )


@citizen_required
def bill_page(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    bill = access_bill(tenant, user, number)
    orders = bill.orders.filter(tenant=tenant).order_by("-created_at")[:10]
    context = {
        "tenant": tenant,
        "bill": bill,
        "title": bill_title(bill),
        "orders": orders,
        "channels": enabled_channels() if bill.state == BillState.DUE else [],
        # A new key for each showing of the page: the form sent twice pays once.
        "idempotency_key": uuid.uuid4().hex,
        "nav": "me",
    }
    return render(request, "payments/bill.html", context)


@require_POST
@citizen_required
def pay(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    bill = access_bill(tenant, user, number)
    channel = enabled_channel(request.POST.get("channel", ""))
    back = redirect("payments:bill", tenant.code, bill.number)
    if channel is None:
        messages.error(request, _("Choose how to pay."))
        return back
    return_url = request.build_absolute_uri(reverse("payments:returned", args=[tenant.code, bill.number]))
    notify_url = request.build_absolute_uri(
        reverse("payments:notify", args=[tenant.code, channel.identifier])
    )
    try:
        order = do_open_payment_order(
            actor=actor_for(user, request),
            bill=bill,
            channel=channel,
            idempotency_key=request.POST.get("idempotency_key", ""),
            description=f"{bill_title(bill)} {bill.number}",
            notify_url=notify_url,
            return_url=return_url,
        )
    except OnestopError as error:
        messages.error(request, str(error.message))
        return back
    except ChannelUnavailable as error:
        logger.warning("%s", error)
        messages.error(
            request,
            _("%(channel)s did not answer. Please try again in a moment.")
            % {"channel": channel.channel_name},
        )
        return back
    if order.state != OrderState.OPEN or not order.pay_url:
        messages.info(request, _("This payment can no longer be made here. Choose how to pay again."))
        return back
    return redirect(order.pay_url)


@citizen_required
def returned(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    """Back from the channel: the channel's notification usually came first; when it has
    not, the channel is asked at once about this bill's open orders (paying is not done
    until the channel says so)."""
    bill = access_bill(tenant, user, number)
    if bill.state == BillState.DUE:
        for order in bill.orders.filter(tenant=tenant, state=OrderState.OPEN).exclude(pay_url=""):
            settle(actor=actor_for(user, request), order=order)
        bill.refresh_from_db()
    if bill.state == BillState.PAID:
        messages.success(request, _("Paid. Thank you."))
    else:
        messages.info(
            request,
            _("No payment has been confirmed yet. If you paid, this page will show it within a minute."),
        )
    return redirect("payments:bill", tenant.code, bill.number)
