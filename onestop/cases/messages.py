"""What the applicant is told when their case takes a step: the words are the case's,
the channels are the notifications' (``notifications.channels.notify``). Registered as a
consumer of ``cases.case.state_changed`` when the app is ready."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from onestop.cases.events import CASE_STATE_CHANGED
from onestop.core.events import consumer
from onestop.core.models import OutboxEvent
from onestop.identity.access import account_of
from onestop.messaging.sms import SmsMessage, SmsTemplate
from onestop.notifications.channels import Message, Words, notify
from onestop.tenancy.access import tenant_of_event


def case_message(payload: dict[str, object], language: str) -> Words:
    """The title and text of a case's step, in the person's language."""
    with translation.override(language):
        english = language.startswith("en")
        item = str((payload.get("item_en") if english else None) or payload.get("item", ""))
        number, action = str(payload.get("case", "")), str(payload.get("action", ""))
        due = payload.get("due_on")
        due_text = date.fromisoformat(str(due)).strftime("%Y-%m-%d") if due else ""
        texts = {
            "submit": _(
                "Your application for %(item)s was received as case %(number)s. The department answers by %(due)s."
            ),
            "accept": _("Case %(number)s (%(item)s) was accepted. A decision is due by %(due)s."),
            "deem_accepted": _(
                "Case %(number)s (%(item)s) counts as accepted. A decision is due by %(due)s."
            ),
            "not_accept": _(
                "Case %(number)s (%(item)s) was not accepted. See the reason and where to go instead."
            ),
            "request_correction": _(
                "Case %(number)s (%(item)s) needs corrections: see everything that is missing and answer online."
            ),
            "resubmit": _("Your corrections to case %(number)s were received."),
            "start_review": _("Case %(number)s (%(item)s) is under review."),
            "suspend": _("Case %(number)s (%(item)s) is in a special procedure; its deadline waits."),
            "resume": _("Case %(number)s (%(item)s) is under review again. A decision is due by %(due)s."),
            "extend": _("The deadline of case %(number)s (%(item)s) was extended to %(due)s."),
            "decide": _("A decision was made on case %(number)s (%(item)s)."),
            "conclude": _("Case %(number)s (%(item)s) is concluded. Please rate the service."),
            "issue_certificate": _(
                "The certificate of case %(number)s (%(item)s) was issued to your wallet."
            ),
            "withdraw": _("Case %(number)s (%(item)s) was withdrawn."),
        }
        if payload.get("paper_licence"):
            texts["issue_certificate"] = _(
                "The licence of case %(number)s (%(item)s) was issued on paper: collect it or "
                "look out for it by post, as you chose."
            )
        body = texts.get(action, _("Case %(number)s (%(item)s) changed.")) % {
            "item": item,
            "number": number,
            "due": due_text,
        }
        return Words(_("Case %(number)s") % {"number": number}, body)


@consumer(CASE_STATE_CHANGED, name="cases.tell_the_applicant")
def tell_the_applicant(event: OutboxEvent) -> bool:
    """In the message centre, by SMS and by email; True once every channel is done."""
    payload = dict(event.payload)
    tenant = tenant_of_event(event.tenant_code)
    user = account_of(tenant, payload.get("applicant")) if tenant else None
    if user is None or tenant is None:
        return True  # nobody left to tell
    title, body = case_message(payload, user.language)
    number = str(payload.get("case", ""))
    sms = SmsMessage(SmsTemplate.CASE_UPDATE, f"【{tenant.name}】{body}", {"case": number, "summary": body})
    return notify(event, user, tenant, Message(title, body, sms, case_number=number))
