"""Full-text search of the ledger (watchroom.lib.fulltext): the `search_tokens` column, filled for
the devices already there, and its index (FTS5 on SQLite, GIN on PostgreSQL)."""

from django.db import migrations, models

from watchroom.lib.fulltext import AddFullTextIndex, tokens

# Device.search_fields and the location's name (Device.search_values), as of this migration
FIELDS = (
    "name",
    "vendor",
    "model",
    "serial",
    "ip",
    "mac",
    "supplier",
    "maintenance_contract",
    "resolution",
    "notes",
    "area__name",
)


def fill_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    Device = apps.get_model("equipment", "Device")
    db = schema_editor.connection.alias
    batch = []
    for pk, *values in Device.objects.using(db).values_list("pk", *FIELDS).iterator(chunk_size=2000):
        batch.append(Device(pk=pk, search_tokens=tokens(*values)))
        if len(batch) >= 2000:
            Device.objects.using(db).bulk_update(batch, ["search_tokens"])
            batch = []
    if batch:
        Device.objects.using(db).bulk_update(batch, ["search_tokens"])


class Migration(migrations.Migration):
    dependencies = [
        ("equipment", "0003_device_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="device",
            name="search_tokens",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        AddFullTextIndex("device"),
    ]
