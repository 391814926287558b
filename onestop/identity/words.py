"""What the platform records about a person, in words: the citizen's own data page shows
these labels, never the stored codes (a code stays in small print where no label is
known, for support)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACCOUNT_FIELDS: dict[str, Promise] = {
    "id": _("Account number"),
    "tenant": _("Tenant"),
    "kind": _("Kind of account"),
    "phone": _("Mobile number"),
    "real_name": _("Name"),
    "id_number": _("ID number"),
    "trust_level": _("Identity level"),
    "verified_at": _("Verified"),
    "date_joined": _("Registered"),
    "last_login": _("Last login"),
    "is_active": _("Active"),
}
ACCOUNT_KINDS: dict[str, Promise] = {
    "citizen": _("Citizen"),
    "staff": _("Staff"),
    "partner_developer": _("Partner developer"),
}
METHODS: dict[str, Promise] = {
    "sms_code": _("SMS code"),
    "id_format": _("ID number format check"),
    "population_registry": _("Population registry"),
    "face_check": _("Face check"),
}
VERIFICATION_OUTCOMES: dict[str, Promise] = {
    "granted": _("Granted"),
    "match": _("Matched"),
    "no_match": _("Did not match"),
    "cancelled": _("Record cancelled"),
    "unavailable": _("Registry unavailable"),
    "passed": _("Passed"),
    "photo_invalid": _("Photo not usable"),
    "challenge_wrong": _("Wrong digits read"),
}
ACTIVITY: dict[str, Promise] = {
    "identity.register": _("Registered"),
    "identity.login": _("Logged in"),
    "identity.logout": _("Logged out"),
    "identity.change_password": _("Changed the password"),
    "identity.verify": _("Verified name and ID number"),
    "identity.face_check_started": _("Started a face check"),
    "identity.face_check": _("Face check"),
    "identity.set_contact": _("Changed contact details"),
    "identity.export": _("Downloaded my data"),
    "identity.reveal": _("Staff viewed a protected detail"),
    "identity.request_code": _("Asked for an SMS code"),
    "identity.enable": _("Account enabled"),
    "identity.disable": _("Account disabled"),
    "cases.submit": _("Submitted an application"),
    "cases.withdraw": _("Withdrew an application"),
    "cases.resubmit": _("Sent corrections"),
    "cases.rate": _("Rated a service"),
    "cases.upload": _("Uploaded a file"),
    "cases.consent_to_fetch": _("Allowed a department to fetch a material"),
    "cases.withdraw_fetch": _("Withdrew permission to fetch a material"),
    "exchange.grant_consent": _("Allowed a data lookup"),
    "exchange.withdraw_consent": _("Withdrew a data lookup permission"),
    "partners.consent": _("Authorised an app"),
    "partners.revoke_consent": _("Withdrew an app's authorisation"),
    "notifications.read": _("Read a message"),
}
OUTCOMES: dict[str, Promise] = {"success": _("Done"), "failed": _("Failed"), "denied": _("Refused")}


@dataclass(frozen=True, slots=True)
class Said:
    """A recorded value in words; ``code`` is set only when no words are known for it."""

    text: str
    code: str = ""


def said(table: dict[str, Promise], value: Any) -> Said:
    words = table.get(str(value))
    return Said(str(words)) if words is not None else Said(str(value or "—"), str(value or ""))


def when(value: str | None) -> str:
    """A stored ISO time as the person's local date and time."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value)
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def account_in_words(account: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in account.items():
        if key in ("verified_at", "date_joined", "last_login"):
            shown = when(value)
        elif key == "kind":
            shown = said(ACCOUNT_KINDS, value).text
        elif key == "trust_level":
            shown = f"L{value}"
        elif key == "is_active":
            shown = str(_("Yes") if value else _("No"))
        else:
            shown = str(value) if value not in ("", None) else "—"
        rows.append((str(ACCOUNT_FIELDS.get(key, key)), shown))
    return rows


def personal_data_in_words(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "account": account_in_words(data["account"]),
        "verifications": [
            {
                "at": when(v["at"]),
                "level": v["level"],
                "method": said(METHODS, v["method"]),
                "outcome": said(VERIFICATION_OUTCOMES, v["outcome"]),
            }
            for v in data["verifications"]
        ],
        "activity": [
            {
                "at": when(e["at"]),
                "action": said(ACTIVITY, e["action"]),
                "outcome": said(OUTCOMES, e["outcome"]),
                "address": e["address"],
            }
            for e in data["activity"]
        ],
        "messages": [{"at": when(m["at"]), "text": m["text"]} for m in data["messages"]],
    }
