# A delegation is offered to a NIK and takes effect when its holder accepts (issue 20 §3): the grants made
# before this were effective at once, so they count as accepted when they were made.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def accepted_as_made(apps, schema_editor):
    Delegation = apps.get_model("identity", "Delegation")
    for delegation in Delegation.objects.select_related("grantee"):
        delegation.grantee_nik = delegation.grantee.nik if delegation.grantee_id else ""
        delegation.save(update_fields=["grantee_nik"])
    Delegation.objects.filter(grantee__isnull=False).update(accepted_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_phone_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="delegation",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="diterima pada"),
        ),
        migrations.AddField(
            model_name="delegation",
            name="declined_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ditolak pada"),
        ),
        migrations.AddField(
            model_name="delegation",
            name="grantee_nik",
            field=models.CharField(db_index=True, default="", max_length=16, verbose_name="NIK penerima kuasa"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="delegation",
            name="grantee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delegations_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(accepted_as_made, migrations.RunPython.noop),
    ]
