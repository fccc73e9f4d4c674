# The Upload model moves here from the applications app: state only, the table stays as it is.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mpp.files.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0005_time_ordered_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Upload",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("file", models.FileField(upload_to=mpp.files.models.upload_path)),
                        ("sha256", models.CharField(max_length=64)),
                        ("content_type", models.CharField(max_length=40)),
                        ("size", models.PositiveIntegerField()),
                        ("original_name", models.CharField(max_length=120)),
                        ("created_at", models.DateTimeField()),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="uploads",
                                to="applications.application",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="uploads",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "berkas unggahan",
                        "verbose_name_plural": "berkas unggahan",
                        "db_table": "applications_upload",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
