"""The public API, version 1: assembles each business app's router into one NinjaAPI,
with one error format and one committed OpenAPI document (docs/api/openapi.json)."""
