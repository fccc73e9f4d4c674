# The uploads' model now belongs to the files app (same table): only the references in the state change.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="issueddocument",
                    name="upload",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="issued_document", to="files.upload"
                    ),
                ),
                migrations.AlterField(
                    model_name="vaultversion",
                    name="upload",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="vault_version", to="files.upload"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
