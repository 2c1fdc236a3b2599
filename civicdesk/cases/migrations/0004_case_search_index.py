"""Full-text search over cases (see civicdesk/cases/search.py): on PostgreSQL a GIN index on the
weighted 'simple' tsvector of subject, description and name; on SQLite an FTS5 table with
triggers that keep it in step with cases_case."""

from django.db import migrations

PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, COALESCE(subject, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(description, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(contact_name, '')), 'C'))"
)

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE cases_case_fts USING fts5(subject, description, contact_name, "
    "content='cases_case', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER cases_case_fts_insert AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, subject, description, contact_name) "
    "VALUES (new.id, new.subject, new.description, new.contact_name); END",
    "CREATE TRIGGER cases_case_fts_delete AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, subject, description, contact_name) "
    "VALUES ('delete', old.id, old.subject, old.description, old.contact_name); END",
    "CREATE TRIGGER cases_case_fts_update AFTER UPDATE OF subject, description, contact_name "
    "ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, subject, description, contact_name) "
    "VALUES ('delete', old.id, old.subject, old.description, old.contact_name); "
    "INSERT INTO cases_case_fts(rowid, subject, description, contact_name) "
    "VALUES (new.id, new.subject, new.description, new.contact_name); END",
    "INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_case_fts_update",
    "DROP TRIGGER IF EXISTS cases_case_fts_delete",
    "DROP TRIGGER IF EXISTS cases_case_fts_insert",
    "DROP TABLE IF EXISTS cases_case_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX case_search ON cases_case USING gin ({PG_VECTOR})")
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search")
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_agency_location")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
