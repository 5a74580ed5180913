"""Entry dates: every date feedparser parses (published, updated, created — RSS pubDate,
dc:date, dcterms:created, Atom 1.0 and 0.3), and the localized dates it hands back as text
("lundi 23 novembre 2026 08:15", "23. November 2026", "martes, 24 de noviembre de 2026")."""

import calendar
import re
import unicodedata
from datetime import datetime, timedelta, timezone

PARSED = ("published_parsed", "updated_parsed", "created_parsed")
AS_TEXT = ("published", "updated", "created")

# Month names and their usual abbreviations, without accents, in the languages feeds are
# commonly written in (en, fr, de, es, it, pt, nl).
_MONTHS = {
    1: "january jan janvier janv janv. januar jan. enero ene gennaio gen janeiro januari",
    2: "february feb fevrier fevr fev februar feb. febrero febbraio fevereiro fev februari",
    3: "march mars marz maerz marzo marco maart mrt",  # not "mar": French for Tuesday (mardi)
    4: "april apr avril avr abril aprile",
    5: "may mai mayo maggio mag maio mei",
    6: "june jun juin juni junio giugno giu junho",
    7: "july jul juillet juil juli julio luglio lug julho",
    8: "august aug aout agosto ago augustus",
    9: "september sep sept septembre september septiembre settembre set setembro",
    10: "october oct octobre oktober okt octubre ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec decembre dezember dez diciembre dic dicembre dezembro",
}
MONTHS = {name.rstrip("."): number for number, names in _MONTHS.items() for name in names.split()}
_ZONES = {"z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "bst": 60, "cet": 60, "mez": 60, "cest": 120, "mesz": 120,
          "eet": 120, "eest": 180, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
          "pst": -480, "pdt": -420}
_TIME = re.compile(r"\b(\d{1,2})[:h](\d{2})(?::(\d{2}))?\b")
_OFFSET = re.compile(r"(?<![\d:])([+-])(\d{2}):?(\d{2})\b")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def localized_date(text: str) -> datetime | None:
    """A date written with a month name in one of the languages above; None when unsure."""
    plain = _plain(text or "")
    offset = _OFFSET.search(plain)
    minutes = (1 if offset.group(1) == "+" else -1) * (int(offset.group(2)) * 60 + int(offset.group(3))) if offset else 0
    if offset:
        plain = plain[:offset.start()] + " " + plain[offset.end():]
    clock = _TIME.search(plain)
    hour, minute, second = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
    if clock:
        plain = plain[:clock.start()] + " " + plain[clock.end():]
    words = re.findall(r"[a-z]+|\d+", plain)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    years = [int(w) for w in words if w.isdigit() and len(w) == 4]
    days = [int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31]
    if month is None or len(years) != 1 or not days:
        return None
    if not offset:
        minutes = next((_ZONES[w] for w in words if w in _ZONES), 0)
    if "pm" in words and hour < 12:
        hour += 12
    elif "am" in words and hour == 12:
        hour = 0
    try:
        local = datetime(years[0], month, days[0], hour, minute, second)
    except ValueError:
        return None
    return (local - timedelta(minutes=minutes)).replace(tzinfo=timezone.utc)


def entry_time(entry) -> datetime | None:
    """The entry's date, or None when it has none Écoute can read."""
    for name in PARSED:
        stamp = entry.get(name)
        if stamp:
            return datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc)
    for name in AS_TEXT:
        found = localized_date(entry.get(name) or "")
        if found:
            return found
    return None
