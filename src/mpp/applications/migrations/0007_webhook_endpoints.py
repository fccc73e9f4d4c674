# An agency system's webhook address and secret move into a notifications.WebhookEndpoint (decision 0010).
# Webhooks still waiting in the outbox are pointed at their system's endpoint, so their retries stay signed.

import django.db.models.deletion
from django.db import migrations, models


def to_endpoints(apps, schema_editor):
    ExternalSystem = apps.get_model("applications", "ExternalSystem")
    ExternalCase = apps.get_model("applications", "ExternalCase")
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    for system in ExternalSystem.objects.all():
        system.webhook = WebhookEndpoint.objects.create(url=system.webhook_url, secret=system.webhook_secret)
        system.save(update_fields=["webhook"])
    for case in ExternalCase.objects.select_related("external_system"):
        OutboxMessage.objects.filter(channel="webhook", dedup_key=f"forward:{case.application_id}").update(
            endpoint_id=case.external_system.webhook_id
        )


def to_columns(apps, schema_editor):
    ExternalSystem = apps.get_model("applications", "ExternalSystem")
    for system in ExternalSystem.objects.select_related("webhook"):
        system.webhook_url, system.webhook_secret = system.webhook.url, system.webhook.secret
        system.save(update_fields=["webhook_url", "webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_upload_moved_to_files"),
        ("notifications", "0004_webhook_endpoints"),
    ]

    operations = [
        migrations.AddField(
            model_name="externalsystem",
            name="webhook",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="external_system",
                to="notifications.webhookendpoint",
                verbose_name="alamat webhook",
            ),
        ),
        migrations.RunPython(to_endpoints, to_columns),
        # A default only so that going back can add the column again before ``to_columns`` fills it.
        migrations.AlterField(
            model_name="externalsystem",
            name="webhook_url",
            field=models.URLField(default="", verbose_name="alamat webhook"),
        ),
        migrations.RemoveField(model_name="externalsystem", name="webhook_secret"),
        migrations.RemoveField(model_name="externalsystem", name="webhook_url"),
        migrations.AlterField(
            model_name="externalsystem",
            name="webhook",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="external_system",
                to="notifications.webhookendpoint",
                verbose_name="alamat webhook",
            ),
        ),
    ]
