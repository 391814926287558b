"""Ledger rows are append-only in the database itself: an UPDATE of an entry or a
transaction is refused by a trigger, whoever sends it (a correction is a new transaction)."""

from django.db import migrations

TABLES = ("payments_ledgerentry", "payments_ledgertransaction")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END"
            )
        else:
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION payments_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'ledger rows are append-only'; END $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION payments_append_only()"
            )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table in TABLES:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if schema_editor.connection.vendor != "sqlite":
        schema_editor.execute("DROP FUNCTION IF EXISTS payments_append_only()")


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
