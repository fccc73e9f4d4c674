import django.db.models.deletion
from django.db import migrations, models


def issuing_regions(apps, schema_editor):
    """Every document issued so far came from an application: its region is the application's."""
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    Application = apps.get_model("applications", "Application")
    IssuedDocument.objects.update(
        region_id=models.Subquery(
            Application.objects.filter(pk=models.OuterRef("application_id")).values("region_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_skpwni_document"),
        ("regions", "0001_initial"),
        ("applications", "0010_region_submitted_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="region",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="regions.region"
            ),
        ),
        migrations.RunPython(issuing_regions, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="issueddocument",
            name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="regions.region"),
        ),
        migrations.AlterField(
            model_name="issueddocument",
            name="application",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issued_document",
                to="applications.application",
            ),
        ),
    ]
