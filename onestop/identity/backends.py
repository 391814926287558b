"""Finding the account behind a session, on the database it lives on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from onestop.core import databases
from onestop.identity.access import ACCOUNT_BY_ID
from onestop.identity.models import User


class AccountBackend(ModelBackend):
    """Sessions are the platform's; the account a session names lives on its tenant's
    database (the request's) or, for platform accounts, on the default one. Ids are
    unique across databases (each numbers its rows in its own block)."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = ACCOUNT_BY_ID.get(int(user_id))
        except (TypeError, ValueError):
            return None
        if user is None and databases.current() != databases.PLATFORM:
            user = (
                User._default_manager.using(databases.PLATFORM)
                .filter(pk=user_id, tenant__isnull=True)
                .first()
            )
        return user if user is not None and self.user_can_authenticate(user) else None
