"""When a scheme became closed, for the retention schedule (privacy.retention). The
schemes already closed get the time they were last changed: the closest record of their
closing there is."""

from django.db import migrations, models
from django.db.models import F


def closed_since_last_change(apps, schema_editor):
    Scheme = apps.get_model("schemes", "Scheme")
    Scheme.objects.filter(status="closed", closed_at__isnull=True).update(closed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0006_max_gap_help"),
    ]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="closed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(closed_since_last_change, migrations.RunPython.noop),
    ]
