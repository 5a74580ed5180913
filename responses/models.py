import uuid
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.choices import Label
from listening.models import Brand, Mention
from responses import business_hours


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    PRIVATE = "private", _("Private message")


class ResponseStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ResponseChannel(models.TextChoices):
    ECOUTE = "ecoute", _("Sent from Écoute")
    PLATFORM = "platform", _("Posted directly on the platform")
    ELSEWHERE = "elsewhere", _("Handled elsewhere (phone, e-mail)")


class Response(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="responses", verbose_name=_("mention"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("text"))
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    channel = models.CharField(_("channel"), max_length=12, choices=ResponseChannel.choices, default=ResponseChannel.ECOUTE)
    status = models.CharField(_("status"), max_length=8, choices=ResponseStatus.choices, default=ResponseStatus.QUEUED)
    # Recorded before sending; a retry uses it to check whether the platform already has the reply.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform_reply_id = models.CharField(_("platform reply id"), max_length=128, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The outbox (responses/outbox.py): a queued or sending reply belongs to its task or worker
    # until lease_until; past it, the sweeper sends it again. claimed_by is the task sending it.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["mention", "sent_at"], name="response_mention_sent"),
            models.Index(fields=["lease_until"], name="response_outbox",
                         condition=models.Q(status__in=["queued", "sending"])),
        ]

    def __str__(self):
        return f"{self.get_visibility_display()} · {self.get_status_display()}"


class CannedResponse(models.Model):
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_responses",
        verbose_name=_("brand"), help_text=_("Leave empty to offer it for every brand."),
    )
    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    label = models.CharField(
        _("for label"), max_length=16, choices=Label.choices, blank=True,
        help_text=_("Leave empty to offer it for every label."),
    )
    text = models.TextField(
        _("text"), help_text=_("Variables: {author}, {brand}, {agent_first_name}."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["language", "title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self):
        return self.title


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
        """The clock this policy counts in. responses.selectors sets it for all of a brand's
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


class NotificationKind(models.TextChoices):
    NEAR_BREACH = "near_breach", _("SLA nearly breached")
    BREACH = "breach", _("SLA breached")


class Notification(models.Model):
    """An in-app notice to one person, also sent by e-mail. Each person hears about each
    SLA of a mention once per kind: the unique constraint makes a repeated or concurrent
    alert run harmless."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient"),
        db_index=False,  # served by the (user, read_at) index
    )
    mention = models.ForeignKey(
        Mention, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("mention"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    target = models.CharField(_("SLA"), max_length=16, choices=SLATarget.choices)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "mention", "kind", "target"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.mention_id}"


class MentionTiming(models.Model):
    """A mention's response times as the report aggregates them, stored when they become known
    (a reply, a status change) so that medians and SLA rates over a million mentions are plain
    SQL aggregates over one narrow table, with the business-hours arithmetic already done.
    Computed by responses.timing from the event log, exactly as the mention page shows them."""

    mention = models.OneToOneField(
        Mention, on_delete=models.CASCADE, primary_key=True, related_name="timing", verbose_name=_("mention"),
    )
    # Copied from the mention (they never change) so the report reads this table alone.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand"),
                              db_index=False)  # served by the (brand, posted_at) index
    posted_at = models.DateTimeField(_("posted"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("agent"), help_text=_("Who sent the first reply; without a reply, the assignee."),
    )
    counted_in = models.CharField(_("counted in"), max_length=16, choices=CountedIn.choices)
    first_response_minutes = models.FloatField(_("first response (minutes)"), null=True, blank=True)
    first_response_met = models.BooleanField(_("first response on time"), null=True, blank=True)
    resolution_minutes = models.FloatField(_("resolution (minutes)"), null=True, blank=True)
    resolution_met = models.BooleanField(_("resolved on time"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("mention response times")
        verbose_name_plural = _("mention response times")
        indexes = [models.Index(fields=["brand", "posted_at"], name="timing_brand_posted")]

    def __str__(self):
        return f"{self.mention_id}: {self.first_response_minutes} / {self.resolution_minutes}"


class ReportDay(models.Model):
    """One brand's mentions and response times of one UTC day, packed as arrays for the report
    (responses.report_days): a year of figures is then ~1,000 rows read, not a million.

    Postgres triggers (migrations 0005 and 0006) bump `version` whenever a mention or stored time
    of that day is written; a pack is used only while `built_version` equals `version` (and it was
    written in today's `pack_format`), and rebuilt from the rows otherwise, so the report's figures
    are always those of the rows themselves."""

    # A plain id, not a foreign key: the triggers write these rows while a brand's mentions are
    # being deleted with it, and a constraint would then refuse the brand's deletion.
    brand_id = models.BigIntegerField()
    day = models.DateField()  # UTC
    version = models.BigIntegerField(default=0)
    built_version = models.BigIntegerField(null=True)
    built_at = models.DateTimeField(null=True)
    pack_format = models.CharField(max_length=64, blank=True, db_default="")  # report_days.PACK_FORMAT
    # Mentions posted that day: minute of the day (uint16), label and platform codes (uint8).
    mention_minutes = models.BinaryField(null=True)
    mention_labels = models.BinaryField(null=True)
    mention_platforms = models.BinaryField(null=True)
    # Their stored response times: minute of the day, agent id (int64, 0 = none), first response
    # and resolution minutes (float64, NaN = none), and whether each met its target (int8: 1 met,
    # 0 missed, -1 no verdict).
    timing_minutes = models.BinaryField(null=True)
    timing_agents = models.BinaryField(null=True)
    first_response = models.BinaryField(null=True)
    first_response_met = models.BinaryField(null=True)
    resolution = models.BinaryField(null=True)
    resolution_met = models.BinaryField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand_id", "day"], name="report_day_unique")]

    def __str__(self):
        return f"{self.brand_id} {self.day} v{self.version}"
