"""A brand's crisis Slack hook (CrisisSettings.webhook_url) becomes a Slack-compatible
subscription to alert.raised, in the hook's language; complaints' next migration then drops
the old fields."""

import secrets

from django.db import migrations

from listening.crypto import encrypt_secrets


def move(apps, schema_editor):
    CrisisSettings = apps.get_model("complaints", "CrisisSettings")
    Subscription = apps.get_model("integrations", "Subscription")
    for row in CrisisSettings.objects.exclude(webhook_url=""):
        Subscription.objects.get_or_create(
            brand_id=row.brand_id, url=row.webhook_url,
            defaults={"name": "Crisis alerts", "events": ["alert.raised"], "format": "slack",
                      "language": row.webhook_language, "is_active": row.enabled,
                      "secret_encrypted": encrypt_secrets({"signing_secret": secrets.token_urlsafe(32)})})


def move_back(apps, schema_editor):
    CrisisSettings = apps.get_model("complaints", "CrisisSettings")
    Subscription = apps.get_model("integrations", "Subscription")
    for subscription in Subscription.objects.filter(format="slack", events=["alert.raised"]):
        CrisisSettings.objects.update_or_create(brand_id=subscription.brand_id, defaults={
            "webhook_url": subscription.url, "webhook_language": subscription.language or "en"})


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_send_due_deliveries_schedule"), ("complaints", "0005_crisis_alerts")]
    operations = [migrations.RunPython(move, move_back)]
