"""The category of every log entry written before as a token of its search text
(``LogEntry.extra_tokens``, ``fulltext.key_token``: ``equipment_fault`` → ``zcatequipmentfault``), so
that a search within a category is one index intersection. The indexes follow the column by
themselves: SQLite's FTS5 triggers on ``search_tokens``, PostgreSQL's generated ``search_tsv``.
"""

from django.db import migrations

TOKEN = "'zcat' || REPLACE(category, '_', '')"


def add(apps, schema_editor):
    schema_editor.execute(
        f"UPDATE duty_logentry SET search_tokens = CASE WHEN search_tokens = '' THEN {TOKEN} "
        f"ELSE search_tokens || ' ' || {TOKEN} END"
    )


def remove(apps, schema_editor):
    schema_editor.execute(
        f"UPDATE duty_logentry SET search_tokens = TRIM(REPLACE(search_tokens || ' ', ' ' || {TOKEN} || ' ', ' '))"
    )


class Migration(migrations.Migration):
    dependencies = [("duty", "0006_log_text_statistics")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
