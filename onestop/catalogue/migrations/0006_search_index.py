"""The full-text index of the catalogue (``catalogue.search_index``): an FTS5 table on
SQLite, a table with a weighted ``tsvector`` under a GIN index on PostgreSQL, filled from
the items' search terms."""

from django.db import migrations, models

TABLE = "catalogue_search_index"


def create_table_sql(vendor: str) -> list[str]:
    """The statements that make the index table on a database of ``vendor``."""
    if vendor == "postgresql":
        return [
            rf"""CREATE TABLE {TABLE} (
                rowid bigint PRIMARY KEY,
                tenant_id bigint NOT NULL,
                a text NOT NULL DEFAULT '',
                b text NOT NULL DEFAULT '',
                c text NOT NULL DEFAULT '',
                -- Each term a lexeme at its column's position (1, 2, 3) with its
                -- column's weight: in a tsvector, a weight is carried by a position.
                document tsvector GENERATED ALWAYS AS ((
                    regexp_replace(a, '(\S+)', '''\1'':1A', 'g') || ' '
                    || regexp_replace(b, '(\S+)', '''\1'':2B', 'g') || ' '
                    || regexp_replace(c, '(\S+)', '''\1'':3C', 'g')
                )::tsvector) STORED
            )""",
            f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
            f"CREATE INDEX {TABLE}_tenant ON {TABLE} (tenant_id)",
        ]
    # Terms are cut already: each is one token (codes keep their - and _); prefixes of one
    # to three characters have indexes of their own.
    return [
        f"""CREATE VIRTUAL TABLE {TABLE} USING fts5(
            tenant_id, a, b, c,
            tokenize = "unicode61 remove_diacritics 0 tokenchars '-_.'",
            prefix = '1 2 3'
        )"""
    ]


# The columns by weight, as ``search_index.COLUMNS`` has them: a >= 9, b 5-8, c below;
# without terms holding a space, a quote or a backslash (``search_index.UNINDEXABLE``).
FILL = {
    "sqlite": f"""
        INSERT INTO {TABLE} (rowid, tenant_id, a, b, c)
        SELECT item_id, tenant_id,
            coalesce(group_concat(CASE WHEN weight >= 9 THEN term END, ' '), ''),
            coalesce(group_concat(CASE WHEN weight >= 5 AND weight < 9 THEN term END, ' '), ''),
            coalesce(group_concat(CASE WHEN weight < 5 THEN term END, ' '), '')
        FROM catalogue_searchterm
        WHERE instr(term, ' ') = 0 AND instr(term, char(39)) = 0 AND instr(term, char(92)) = 0
        GROUP BY item_id, tenant_id""",
    "postgresql": f"""
        INSERT INTO {TABLE} (rowid, tenant_id, a, b, c)
        SELECT item_id, tenant_id,
            coalesce(string_agg(term, ' ') FILTER (WHERE weight >= 9), ''),
            coalesce(string_agg(term, ' ') FILTER (WHERE weight >= 5 AND weight < 9), ''),
            coalesce(string_agg(term, ' ') FILTER (WHERE weight < 5), '')
        FROM catalogue_searchterm
        WHERE strpos(term, ' ') = 0 AND strpos(term, chr(39)) = 0 AND strpos(term, chr(92)) = 0
        GROUP BY item_id, tenant_id""",
}


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in create_table_sql(vendor):
        schema_editor.execute(statement)
    schema_editor.execute(FILL[vendor])


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(f"DROP TABLE {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_serviceitem_issues_paper_licence"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchIndexEntry",
            fields=[
                ("id", models.BigIntegerField(db_column="rowid", primary_key=True, serialize=False)),
                ("a", models.TextField(blank=True)),
                ("b", models.TextField(blank=True)),
                ("c", models.TextField(blank=True)),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "db_table": TABLE,
                "managed": False,
            },
        ),
        migrations.RunPython(create, drop),
    ]
