# Upload moves to the files app, which keeps its table (applications_upload): state only, no row is copied.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_time_ordered_keys"),
        ("documents", "0002_upload_moved_to_files"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Upload")],
            database_operations=[],
        ),
    ]
