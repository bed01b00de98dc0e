"""PostgreSQL only: statistics of the expressions that the log search's exact check reads
(``UPPER(field) LIKE UPPER('%term%')``, Django's ``icontains``).

Without them the planner takes each of the six LIKEs for a rare condition (a default selectivity)
and, for a word in 10 % of a million entries, reads every match of the GIN index and sorts them
(≈ 250 ms) instead of walking the room/time index until it has a page (≈ 0.2 ms). With them it
estimates the LIKEs from a histogram of the values, as it does the tsvector column. ANALYZE (or
autovacuum) fills them. Other databases: nothing to do.
"""

from django.db import migrations

STATS = "duty_entry_text_stats"
FIELDS = (
    "description",
    "action_taken",
    "reported_to",
    "suspect_appearance",
    "suspect_direction",
    "suspect_cameras",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    exprs = ", ".join(f'(UPPER("{f}"::text))' for f in FIELDS)
    schema_editor.execute(f'CREATE STATISTICS IF NOT EXISTS "{STATS}" ON {exprs} FROM "duty_logentry"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP STATISTICS IF EXISTS "{STATS}"')


class Migration(migrations.Migration):
    dependencies = [("duty", "0005_log_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
