"""The response-time report for managers: the page, the CSV of its figures (built from the same
Report object, so the numbers are the ones on the screen) and the CSV of the mentions behind it."""

import csv
import io
import logging
from datetime import datetime, timedelta

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.dates import validate_period_day
from listening.choices import Label, Platform, Status
from listening.models import Brand
from responses import charts, reports
from responses.models import CountedIn

logger = logging.getLogger(__name__)
MAX_DAYS = 3 * 366
MAX_DAYS_BY_DAY = 366
PRESETS = (7, 30, 90, 365)
DATE_ERROR = gettext_lazy("Write the date as YYYY-MM-DD, for example 2025-03-31.")


class ReportForm(forms.Form):
    brand = forms.ModelMultipleChoiceField(
        queryset=Brand.objects.only("id", "name"), required=False, label=gettext_lazy("Brands"),
        widget=forms.CheckboxSelectMultiple, error_messages={
            "invalid_choice": gettext_lazy("There is no brand %(value)s: choose brands from the list."),
            "invalid_pk_value": gettext_lazy("There is no brand %(pk)s: choose brands from the list.")})
    start = forms.DateField(required=False, label=gettext_lazy("First day"), input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": DATE_ERROR}, validators=[validate_period_day])
    end = forms.DateField(required=False, label=gettext_lazy("Last day"), input_formats=["%Y-%m-%d"],
                          error_messages={"invalid": DATE_ERROR}, validators=[validate_period_day])
    group = forms.ChoiceField(required=False, label=gettext_lazy("Group by"), choices=list(reports.GROUPINGS.items()),
                              error_messages={"invalid_choice": gettext_lazy(
                                  "Group by day, week or month (not “%(value)s”).")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the brands the reader manages; "every brand" means all of those.
        self.brand_ids = roles.brand_ids_for(user, roles.MANAGER)
        self.fields["brand"].queryset = roles.limit_to_brands(self.fields["brand"].queryset, user, roles.MANAGER,
                                                              field="pk")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=29)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError(_("The first day must be on or before the last day."))
        days = (end - start).days + 1
        if days > MAX_DAYS:
            raise forms.ValidationError(_("A report covers at most three years: choose a shorter period."))
        group = data.get("group") or ("day" if days <= 62 else "week" if days <= 366 else "month")
        if group == "day" and days > MAX_DAYS_BY_DAY:
            raise forms.ValidationError(_(
                "Grouped by day, a report covers at most a year: group by week or month, or choose a shorter period."))
        data.update(start=start, end=end, group=group)
        return data

    def _reader_brands(self) -> tuple[int, ...]:
        """Every brand the reader manages: () for all of them, (0,) (no brand) for nobody's."""
        if self.brand_ids is None:
            return ()
        return tuple(sorted(self.brand_ids)) or (0,)

    def filters(self) -> reports.ReportFilters:
        data = self.cleaned_data
        return reports.ReportFilters(
            brand_ids=tuple(sorted(b.pk for b in data["brand"])) or self._reader_brands(),
            start=data["start"], end=data["end"],
            grouping=data["group"], time_zone=str(timezone.get_current_timezone()))


def _as_of(request) -> datetime:
    """The page's moment, carried by its CSV links so the export shows the same backlog. Only
    a recent past moment is accepted: open mentions are counted as they are now."""
    now = timezone.now()
    try:
        moment = datetime.fromisoformat(request.GET.get("at", ""))
    except ValueError:
        return now
    if timezone.is_naive(moment) or not now - timedelta(hours=1) <= moment <= now:
        return now
    return moment


def _form_or_error(request):
    form = ReportForm(request.GET, user=request.user)
    return form, (None if form.is_valid() else " ".join(str(e) for errors in form.errors.values() for e in errors))


@require_GET
@roles.role_required(roles.MANAGER)
def report(request):
    form, error = _form_or_error(request)
    context = {"form": form, "error": error, "presets": PRESETS, "groupings": list(reports.GROUPINGS.items()),
               "brands": form.fields["brand"].queryset}
    if error:
        return render(request, "responses/report.html", context, status=400)
    result = reports.report_build(filters=form.filters(), now=_as_of(request))
    query = request.GET.copy()
    query["at"] = result.now.isoformat()
    context.update(report=result, blocks=charts.report_blocks(result), export_query=query.urlencode(),
                   filters=result.filters, selected_brands={str(pk) for pk in result.filters.brand_ids},
                   preset_links=_preset_links(request, result.filters))
    return render(request, "responses/report.html", context)


def _preset_links(request, filters) -> list[tuple[str, str, bool]]:
    today = timezone.localdate()
    links = []
    for days in PRESETS:
        query = request.GET.copy()
        for key in ("start", "end", "group", "at"):
            query.pop(key, None)
        query["start"], query["end"] = (today - timedelta(days=days - 1)).isoformat(), today.isoformat()
        current = filters.end == today and (filters.end - filters.start).days + 1 == days
        links.append((f"{reverse('responses:report')}?{query.urlencode()}", days, current))
    return links


def _safe(cell):
    """A spreadsheet must not run a name as a formula (CSV injection)."""
    if cell is None:
        return ""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def _csv_error(error: str) -> HttpResponse:
    return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")


def _filename(filters, what: str) -> str:
    return f'attachment; filename="ecoute-{what}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"'


@require_GET
@roles.role_required(roles.MANAGER)
def figures_csv(request):
    form, error = _form_or_error(request)
    if error:
        return _csv_error(error)
    result = reports.report_build(filters=form.filters(), now=_as_of(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    brands = [b.name for b in form.cleaned_data["brand"]] or [_("All brands")]
    writer.writerow([_("Response-time report"), ", ".join(brands), result.filters.start.isoformat(),
                     result.filters.end.isoformat(), str(reports.GROUPINGS[result.filters.grouping]),
                     timezone.localtime(result.now).isoformat(timespec="seconds")])
    for table in result.tables.values():
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        writer.writerows([_safe(c) for c in row] for row in table.reading_rows() + ([table.total] if table.total else []))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(result.filters, "report")
    return response


class _Echo:
    def write(self, value):
        return value


MENTION_COLUMNS = ("pk", "brand__name", "platform", "label", "status", "posted_at", "first_response_at",
                   "timing__first_response_minutes", "timing__first_response_met", "resolved_at",
                   "timing__resolution_minutes", "timing__resolution_met", "timing__counted_in",
                   "timing__agent__first_name", "timing__agent__last_name", "timing__agent__username")


def _mention_rows(*, filters, base: str, yes_no: dict, names: dict):
    zone = filters.zone
    link = base + reverse("complaints:mention", args=[987654321])  # one reverse(), not one per row
    mentions = reports.mentions_in_period(filters=filters).values_list(*MENTION_COLUMNS).order_by("posted_at", "pk")
    for (pk, brand, platform, label, status, posted, first_at, first_min, first_met, resolved_at, res_min, res_met,
         counted_in, first_name, last_name, username) in mentions.iterator(chunk_size=5000):
        yield [pk, _safe(brand), names["platform"].get(platform, platform), names["label"].get(label, label),
               names["status"].get(status, status), *[timezone.localtime(t, zone).isoformat(timespec="seconds")
                                                           if t else "" for t in (posted, first_at)],
               "" if first_min is None else round(first_min, 1), yes_no[first_met],
               timezone.localtime(resolved_at, zone).isoformat(timespec="seconds") if resolved_at else "",
               "" if res_min is None else round(res_min, 1), yes_no[res_met], names["counted_in"].get(counted_in, ""),
               _safe(f"{first_name} {last_name}".strip() or username or ""),
               link.replace("987654321", str(pk))]


@require_GET
@roles.role_required(roles.MANAGER)
def mentions_csv(request):
    form, error = _form_or_error(request)
    if error:
        return _csv_error(error)
    filters = form.filters()
    writer = csv.writer(_Echo())
    # Words are translated now: the rows are written after the view has returned.
    header = [_("Mention"), _("Brand"), _("Platform"), _("Label"), _("Status"), _("Posted"), _("First response"),
              _("First response (minutes)"), _("First response on time"), _("Resolved"), _("Resolution (minutes)"),
              _("Resolved on time"), _("Counted in"), _("Agent"), _("Link")]
    rows = _mention_rows(filters=filters, base=request.build_absolute_uri("/")[:-1],
                         yes_no={True: _("yes"), False: _("no"), None: ""}, names=_choice_names())
    endings = (_("End of export: %(count)s mentions."),
               _("Export stopped before the end: this file is incomplete. Download it again."))
    response = StreamingHttpResponse(_with_bom(writer, header, rows, endings),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(filters, "mentions")
    return response


def _choice_names() -> dict[str, dict[str, str]]:
    """Platforms, labels, statuses and clocks as the reader's language names them, not their codes."""
    return {key: {value: str(name) for value, name in choices.choices}
            for key, choices in (("platform", Platform), ("label", Label), ("status", Status), ("counted_in", CountedIn))}


def _with_bom(writer, header, rows, endings):
    """The rows, streamed (constant memory), then a last line saying the export is complete.
    The status is sent before the first row, so a file cut short (a worker stopped, a lost
    connection) could not say so: it simply lacks that last line. An error we can see is
    written as the last line instead."""
    complete, stopped = endings
    yield "\ufeff"  # spreadsheets then read the accents right
    yield writer.writerow(header)
    count = 0
    try:
        for row in rows:
            yield writer.writerow(row)
            count += 1
    except Exception:  # noqa: BLE001 - the 200 is already sent: say it in the file
        logger.exception("mentions.csv stopped after %d rows", count)
        yield writer.writerow([stopped])
        return
    yield writer.writerow([complete % {"count": count}])
