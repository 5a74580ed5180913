"""Factories for complaints: crisis alerts and their settings."""

from datetime import timedelta

import factory
from django.utils import timezone

from complaints.models import CrisisAlert, CrisisSettings
from tests.listening.factories import BrandFactory


class CrisisSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisSettings
        django_get_or_create = ("brand",)

    brand = factory.SubFactory(BrandFactory)


class CrisisAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisAlert

    brand = factory.SubFactory(BrandFactory)
    opened_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=20))
    window_start = factory.LazyAttribute(lambda o: o.opened_at - timedelta(hours=1))
    window_end = factory.LazyAttribute(lambda o: o.opened_at)
    last_seen_at = factory.LazyAttribute(lambda o: o.opened_at)
    figures = factory.LazyFunction(lambda: {"complaints": 60, "mentions": 80, "usual_complaints": 12,
                                            "peak_complaints": 60})
    reasons = factory.LazyFunction(lambda: [
        {"code": "complaints", "seen": 60, "usual": 12, "score": 13.9},
        {"code": "share", "seen": 0.75, "usual": 0.25, "score": 9.5},
    ])
