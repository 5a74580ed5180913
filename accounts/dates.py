"""Dates people type into filters (reports, insights): one accepted range everywhere, so a
period of year 1 or 9999 gets a plain explanation instead of overflowing a date sum later."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
OUT_OF_RANGE = _("Choose dates between 2000 and 2100.")


def validate_period_day(value: date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")
