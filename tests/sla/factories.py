"""Factories for sla: policies and business calendars."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from sla.models import BusinessCalendar, Holiday, Shift, SLAPolicy
from tests.listening.factories import BrandFactory


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    brand = factory.SubFactory(BrandFactory)
    label = ""
    first_response_minutes = 60
    resolution_minutes = 24 * 60
    near_breach_percent = 80


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        django_get_or_create = ("brand",)

    brand = factory.SubFactory(BrandFactory)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = 0
    starts_at = time(9)
    ends_at = time(17)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=400 + n))
    name = "Holiday"
