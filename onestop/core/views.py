"""The audit log's public face (no login): the last signed head of each chain, the key
that signs them, and consistency proofs between two published sizes, in JSON, the way
Certificate Transparency logs answer (RFC 6962 section 4)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onestop.core import transparency
from onestop.core.errors import CoreErrorCode, NotFound, OnestopError, ValidationFailed
from onestop.core.treeheads import b64, key_id, raw_public_key

# Heads change at most every few minutes; a key and a proof between published sizes never.
HEADS_MAX_AGE = 60
FIXED_MAX_AGE = 3600


def _json(view: Callable[..., dict[str, Any]]) -> Callable[..., HttpResponse]:
    """Answer the view's object as JSON, and its errors as the API's error object."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            body = view(request, *args, **kwargs)
        except OnestopError as error:
            return JsonResponse(
                error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False}
            )
        response = JsonResponse(body)
        max_age = FIXED_MAX_AGE if view.__name__ in {"head_key", "consistency"} else HEADS_MAX_AGE
        response["Cache-Control"] = f"public, max-age={max_age}"
        return response

    return require_GET(wrapper)


@_json
def head_key(request: HttpRequest) -> dict[str, Any]:
    key = transparency.public_key()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "algorithm": "Ed25519",
        "key_id": key_id(key),
        "public_key": b64(raw_public_key(key)),
        "public_key_pem": pem.decode(),
    }


@_json
def tree_heads(request: HttpRequest) -> dict[str, Any]:
    return {"tree_heads": [head.as_json() for head in transparency.latest_heads().values()]}


@_json
def tree_head(request: HttpRequest, chain: str) -> dict[str, Any]:
    head = transparency.latest_head(chain) if transparency.alias_of(chain) else None
    if head is None:
        raise NotFound(CoreErrorCode.AUDIT_CHAIN_NOT_FOUND, _("No such audit chain."))
    return head.as_json()


@_json
def consistency(request: HttpRequest, chain: str) -> dict[str, Any]:
    try:
        first, second = int(request.GET.get("first", "")), int(request.GET.get("second", ""))
    except ValueError:
        raise ValidationFailed(
            CoreErrorCode.INVALID_PARAMETER,
            _("Give the sizes first and second as whole numbers."),
            field="first",
        ) from None
    proof = transparency.consistency(chain, first, second)
    return {
        "chain": chain,
        "first": first,
        "second": second,
        "consistency": [b64(node) for node in proof],
    }
