"""What a brand promises: how fast it answers each label (SLA policies), and in which clock
(calendar time, or its business hours: weekly shifts and holidays in the brand's time zone)."""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.choices import Label
from listening.models import Brand
from sla import business_hours


class CountedIn(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time (nights and weekends count)")
    BUSINESS_HOURS = "business_hours", _("Business hours (the brand's calendar)")


class SLAPolicy(models.Model):
    """How fast a brand promises to answer, per label (empty label = every other label)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="sla_policies", verbose_name=_("brand"))
    label = models.CharField(
        _("label"), max_length=16, choices=Label.choices, blank=True,
        help_text=_("Leave empty for the policy that applies to labels without their own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), validators=[MinValueValidator(1)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
    )
    near_breach_percent = models.PositiveIntegerField(
        _("near-breach warning at (% of the time used)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    counted_in = models.CharField(
        _("counted in"), max_length=16, choices=CountedIn.choices, default=CountedIn.CALENDAR,
        help_text=_("Business hours need the brand's business calendar, with at least one shift."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [models.UniqueConstraint(fields=["brand", "label"], name="sla_policy_unique_per_label")]

    def __str__(self):
        return f"{self.brand} · {self.get_label_display() or _('all labels')}"

    def clean(self):
        if self.counted_in == CountedIn.BUSINESS_HOURS and self.brand_id and not Shift.objects.filter(
                calendar__brand_id=self.brand_id).exists():
            raise ValidationError({"counted_in": _(
                "This brand has no business hours yet: add its business calendar with at least one shift first."
            )})

    @cached_property
    def clock(self):
        """The clock this policy counts in. sla.selectors sets it for all of a brand's
        policies at once, so ingestion loads the calendar once per batch, not per mention."""
        calendar = None
        if self.counted_in == CountedIn.BUSINESS_HOURS:
            calendar = BusinessCalendar.objects.filter(brand_id=self.brand_id).select_related("brand").first()
        return policy_clock(policy=self, calendar=calendar)


def policy_clock(*, policy: SLAPolicy, calendar: "BusinessCalendar | None"):
    """Business hours if the policy asks for them and the brand has shifts, calendar time otherwise
    (a calendar emptied after the policy was saved must not stop ingestion; the explanation of the
    response times says which clock was used)."""
    if policy.counted_in == CountedIn.BUSINESS_HOURS and calendar is not None:
        clock = calendar.clock()
        if clock is not None:
            return clock
    return business_hours.CalendarClock()


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(models.Model):
    """A brand's business hours: weekly shifts and holidays, in the brand's time zone."""

    brand = models.OneToOneField(
        Brand, on_delete=models.CASCADE, related_name="business_calendar", verbose_name=_("brand"),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self):
        return str(self.brand)

    def clock(self, *, shifts=None, holidays=None) -> business_hours.BusinessCalendar | None:
        """None when there is no shift: then no business time would ever pass."""
        shifts = list(self.shifts.all()) if shifts is None else shifts
        holidays = list(self.holidays.all()) if holidays is None else holidays
        if not shifts:
            return None
        return business_hours.BusinessCalendar(
            time_zone=self.brand.time_zone,
            shifts=[business_hours.Shift(weekday=s.weekday, start=s.starts_at, end=s.ends_at) for s in shifts],
            holidays=[h.date for h in holidays],
        )


class Shift(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("business calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(
        _("ends at"), help_text=_("An end at or before the start means the shift ends the next day (a night shift)."),
    )

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("business calendar"),
    )
    date = models.DateField(_("date"), help_text=_("No shift starts on this date."))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_per_calendar")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class SLATarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
