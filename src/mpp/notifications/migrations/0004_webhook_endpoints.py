# Webhook receivers and their signing secrets belong to the outbox that delivers (decision 0010).

import uuid

import django.db.models.deletion
from django.db import migrations, models

import mpp.notifications.models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_time_ordered_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("url", models.URLField(verbose_name="alamat webhook")),
                (
                    "secret",
                    models.CharField(
                        default=mpp.notifications.models.new_webhook_secret,
                        max_length=100,
                        verbose_name="rahasia webhook",
                    ),
                ),
            ],
            options={
                "verbose_name": "alamat webhook",
                "verbose_name_plural": "alamat webhook",
                "ordering": ["created_at"],
            },
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="endpoint",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="notifications.webhookendpoint",
            ),
        ),
    ]
