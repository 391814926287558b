"""The embedded database: Django's SQLite backend, with writers taking turns (``base``)."""

ENGINE = "onestop.core.sqlite"


def is_sqlite(engine: object) -> bool:
    """Whether a ``DATABASES`` entry's engine is SQLite (this one or Django's own)."""
    return str(engine) in (ENGINE, "django.db.backends.sqlite3")
