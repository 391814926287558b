"""Runs set for later used to wait at a lower priority (-10); the queue is now taken in
the order runs became due, all at one priority. Runs still waiting at the old one would
sit behind every new run for ever (the case clock among them): they are brought level."""

from django.db import migrations


def level(apps, schema_editor):  # type: ignore[no-untyped-def]
    runs = apps.get_model("django_tasks_database", "DBTaskResult")
    runs.objects.using(schema_editor.connection.alias).filter(status="READY", priority__lt=0).update(priority=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_retry_at"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(level, migrations.RunPython.noop)]
