"""The committed OpenAPI document: where it lives and how it is produced."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from onestop.api.v1 import api

OPENAPI_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def render_openapi() -> str:
    """The document as committed: stable key order, two-space indent, final newline."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
