"""Response times of a mention, computed from its event log: the engine behind sla.state.

- First response: from the moment the mention was posted to the first reply, public or private.
- Resolution: from the moment it was posted to the moment it was (last) resolved.

The clock stops while the ball is not in the team's court: while the mention waits for the
customer, and while it was resolved or ignored before someone reopened it. Time is counted in
the SLA policy's clock (calendar time or the brand's business hours). Each result keeps what a
person needs to check it: start and end events, the excluded spans, and the clock used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from listening.choices import EventKind, Status, Visibility
from sla import business_hours
from sla.durations import duration_text
from sla.models import CountedIn, SLATarget

# Statuses during which the SLA clock doesn't run.
PAUSED_STATUSES = (Status.WAITING, Status.RESOLVED, Status.IGNORED)


@dataclass
class Span:
    status: str
    start: datetime
    end: datetime | None  # None: still in this status

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class SLATiming:
    target: str
    start_event: str
    start_at: datetime
    end_event: str | None
    end_at: datetime | None
    excluded: list[Span]
    elapsed_minutes: float
    allowed_minutes: int | None
    due_at: datetime | None
    state: str  # met, missed, ok, near, breached, paused, closed, no_target
    percent_used: int | None = None

    @property
    def name(self) -> str:
        return str(SLATarget(self.target).label)

    @property
    def elapsed_text(self) -> str:
        return duration_text(self.elapsed_minutes)

    @property
    def allowed_text(self) -> str:
        return duration_text(self.allowed_minutes) if self.allowed_minutes else ""

    @property
    def is_running(self) -> bool:
        return self.state in ("ok", "near", "breached", "paused") and self.end_at is None

    @property
    def level(self) -> str:
        """The queue's colour classes: sla-ok, sla-near, sla-breached, sla-done."""
        return {"ok": "ok", "near": "near", "breached": "breached", "missed": "breached"}.get(self.state, "done")

    @property
    def state_text(self) -> str:
        return {
            "met": _("met"), "missed": _("missed"), "ok": _("on time"), "near": _("nearly due"),
            "breached": _("breached"), "paused": _("paused: waiting for the customer"),
            "closed": (_("closed without a reply") if self.target == SLATarget.FIRST_RESPONSE
                       else _("closed without being resolved")),
            "no_target": _("no target"),
        }[self.state]


@dataclass(frozen=True)
class Headline:
    """The first response's state in a few words, as the queue's row and the triage panel show it."""

    text: str
    level: str  # ok, near, breached, done, none: the colour classes sla-*
    state: str  # SLATiming.state


@dataclass
class ResponseTimes:
    first_response: SLATiming
    resolution: SLATiming
    policy: object  # the SLA policy applied, or None
    mention: object
    near_breach_percent: int | None
    at: datetime
    timings: list[SLATiming] = field(default_factory=list)

    def __post_init__(self):
        self.timings = [self.first_response, self.resolution]

    @property
    def clock_text(self) -> str:
        """Which clock counts, in words: only the response-times panel asks (not the queue's rows)."""
        return clock_text(policy=self.policy, brand=self.mention.brand)

    @property
    def headline(self) -> Headline:
        """"due in 23 min", "breached 2 h ago", "answered on time": the first response's state,
        with the wall-clock time to or since its due moment (the moment itself is in the
        policy's clock)."""
        t = self.first_response
        if t.state in ("ok", "near") and t.due_at is not None:
            text = _("due in %(d)s") % {"d": duration_text((t.due_at - self.at).total_seconds() / 60)}
        elif t.state == "breached":
            text = _("breached %(d)s ago") % {"d": duration_text((self.at - t.due_at).total_seconds() / 60)}
        elif t.state == "met":
            text = _("answered on time")
        elif t.state == "missed":
            text = _("answered late")
        elif t.state == "paused":
            text = _("paused: waiting for the customer")
        elif t.state == "no_target" and t.end_at is not None:
            return Headline(text=_("answered"), level="done", state=t.state)
        else:  # closed without a reply, or no target and no reply yet: nothing to watch
            return Headline(text="", level="none", state=t.state)
        return Headline(text=text, level=t.level, state=t.state)


def clock_text(*, policy, brand) -> str:
    if policy is None:
        return _("No SLA policy applies to this label; times are in calendar time.")
    if isinstance(policy.clock, business_hours.BusinessCalendar):
        return _("Business hours of %(brand)s (%(zone)s): only time inside its shifts counts, "
                 "and no shift starts on a holiday.") % {"brand": brand, "zone": policy.clock.time_zone}
    if policy.counted_in == CountedIn.BUSINESS_HOURS:
        return _("Calendar time: the policy counts business hours, but the brand has no shifts yet.")
    return _("Calendar time: nights, weekends and holidays count.")


def _utc(moment: datetime) -> datetime:
    # Python compares two datetimes of one zone by their wall clocks: wrong in the repeated hour.
    return moment.astimezone(UTC)


def status_spans(*, mention, events) -> list[Span]:
    """The mention's statuses over time, from its posting, read from the status-change events."""
    posted = _utc(mention.posted_at)
    changes = [e for e in events if e.kind == EventKind.STATUS_CHANGED]
    if not changes and mention.status == Status.RESOLVED and mention.resolved_at:
        # Resolved without a logged change (imported history): open until resolved_at.
        at = max(_utc(mention.resolved_at), posted)
        return [Span(Status.OPEN, posted, at), Span(Status.RESOLVED, at, None)]
    status = changes[0].data.get("from", Status.NEW) if changes else mention.status
    spans = [Span(status=status, start=posted, end=None)]
    for event in changes:
        at = max(_utc(event.at), posted)
        spans[-1].end = at
        spans.append(Span(status=event.data.get("to", mention.status), start=at, end=None))
    return [s for s in spans if s.end is None or s.end > s.start]


def response_times(*, mention, events, policy, now: datetime) -> ResponseTimes:
    """events: the mention's events in time order. policy: the SLA policy for its label, with
    its clock (sla.selectors), or None."""
    clock = policy.clock if policy is not None else business_hours.CalendarClock()
    now, posted = _utc(now), _utc(mention.posted_at)
    spans = status_spans(mention=mention, events=events)
    paused = [s for s in spans if s.status in PAUSED_STATUSES]
    currently_paused = bool(spans) and spans[-1].status in PAUSED_STATUSES
    is_open = mention.status not in (Status.RESOLVED, Status.IGNORED)

    reply = next((e for e in events if e.kind == EventKind.REPLIED), None)
    first = _timing(
        target=SLATarget.FIRST_RESPONSE, clock=clock, policy=policy, start=posted, now=now,
        end=max(_utc(reply.at), posted) if reply else None, end_event=_reply_words(reply) if reply else None,
        paused=paused, currently_paused=currently_paused, is_open=is_open,
        allowed=policy.first_response_minutes if policy else None,
    )
    resolved = None
    if mention.status == Status.RESOLVED:
        resolved = next((s.start for s in reversed(spans) if s.status == Status.RESOLVED), posted)
    resolution = _timing(
        target=SLATarget.RESOLUTION, clock=clock, policy=policy, start=posted, now=now,
        end=resolved, end_event=str(Status.RESOLVED.label) if resolved else None,
        paused=paused, currently_paused=currently_paused, is_open=is_open,
        allowed=policy.resolution_minutes if policy else None,
    )
    return ResponseTimes(first_response=first, resolution=resolution,
                         policy=policy, mention=mention,
                         near_breach_percent=policy.near_breach_percent if policy else None, at=now)


def _reply_words(event) -> str:
    visibility = event.data.get("visibility", Visibility.PUBLIC)
    return str(Visibility(visibility).label) if visibility in Visibility.values else _("Reply")


def _timing(*, target, clock, policy, start, end, end_event, now, paused, currently_paused, is_open, allowed):
    stop = end or now
    excluded = [Span(s.status, max(s.start, start), min(s.end or stop, stop)) for s in paused
                if s.start < stop and (s.end is None or s.end > start)]
    excluded = [s for s in excluded if s.end > s.start]
    counting = _counting_segments(start=start, stop=stop, excluded=excluded)
    elapsed = sum(clock.minutes_between(start=a, end=b) for a, b in counting)
    running_paused = end is None and currently_paused
    # After an end, the due time is where the deadline was (as if the clock had kept running).
    due_at = _due_at(clock=clock, counting=counting, allowed=allowed, stop=stop,
                     open_ended=not running_paused) if allowed else None
    percent = int(elapsed * 100 // allowed) if allowed else None
    if not allowed:
        state = "no_target"
    elif end is not None:
        state = "met" if elapsed <= allowed else "missed"
    elif not is_open:
        state = "closed"
    elif elapsed > allowed:
        state = "breached"
    elif running_paused:
        state = "paused"
    elif elapsed * 100 >= allowed * policy.near_breach_percent:
        state = "near"
    else:
        state = "ok"
    if running_paused and excluded and excluded[-1].end == now:
        excluded[-1].end = None  # still going on: the page says "since …"
    return SLATiming(
        target=target, start_event=_("Posted"), start_at=start, end_event=end_event, end_at=end,
        excluded=excluded, elapsed_minutes=elapsed, allowed_minutes=allowed, due_at=due_at, state=state,
        percent_used=percent,
    )


def _counting_segments(*, start, stop, excluded) -> list[tuple[datetime, datetime]]:
    segments, cursor = [], start
    for span in excluded:  # in time order, not overlapping (one status at a time)
        if span.start > cursor:
            segments.append((cursor, span.start))
        cursor = max(cursor, span.end)
    if stop > cursor:
        segments.append((cursor, stop))
    return segments


def _due_at(*, clock, counting, allowed, stop, open_ended):
    """When the allowed time runs out: inside the time already counted, or later if the clock
    keeps running from now. Unknown (None) while paused and not yet used up."""
    remaining = float(allowed)
    for a, b in counting:
        minutes = clock.minutes_between(start=a, end=b)
        if minutes >= remaining:
            return clock.add(start=a, minutes=remaining)
        remaining -= minutes
    return clock.add(start=stop, minutes=remaining) if open_ended else None
