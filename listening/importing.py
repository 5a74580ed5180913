"""Importing mentions from files: exports from another tool, call-centre or e-mail logs.

JSON lines or CSV (with a header). Each row needs `text` and `posted_at` (ISO 8601; without
a time zone it is read in the brand's time zone); `id` is the row's id in the other
system (without it, one is derived from the row's content, so importing a file twice
stores each row once). Optional: platform, author, author_name, followers, url, language,
title, in_reply_to. Every row is either stored or reported with its line number and the
reason: one bad row never costs the good ones, whatever is wrong with it."""

import csv
import hashlib
import io
import json
import logging
import math
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from listening.choices import Platform, SourceKind
from listening.ingestion import IngestResult, mention_ingest
from listening.models import Brand, Source
from listening.services import source_save
from platforms.normalized import NormalizedAuthor, NormalizedMention

logger = logging.getLogger(__name__)
BATCH = 1000
MAX_TEXT = 100_000
MAX_FOLLOWERS = 2_147_483_647  # the column's largest value
EARLIEST = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)
# Identifiers are refused rather than cut: a cut id could merge two rows into one.
ID_LIMITS = {"id": 128, "author": 128, "in_reply_to": 128, "url": 1000, "language": 8}


class RowError(ValueError):
    pass


@dataclass
class ImportReport:
    stored: IngestResult = field(default_factory=IngestResult)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def _not_utf8(error: UnicodeDecodeError) -> str:
    return f"not valid UTF-8 (byte 0x{error.object[error.start]:02x} at position {error.start + 1})"


def _jsonl_rows(raw: bytes):
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield number, _not_utf8(error)
            continue
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as error:
            yield number, f"not valid JSON ({getattr(error, 'msg', error)})"
            continue
        yield number, value if isinstance(value, dict) else "not a JSON object"


def _csv_rows(raw: bytes):
    # Undecodable bytes are kept as surrogates so that only their row is refused, by line.
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig", errors="surrogateescape"), newline=""))
    try:
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                yield reader.line_num, f"{len(extra)} more values than the header has columns"
            elif any(isinstance(v, str) and _has_surrogate(v) for v in row.values()):
                yield reader.line_num, "not valid UTF-8"
            else:
                yield reader.line_num, row
    except csv.Error as error:
        yield reader.line_num, f"the rest of the file is not readable CSV ({error})"


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _rows(raw: bytes, fmt: str):
    """Yields (line number, dict or error message)."""
    return _csv_rows(raw) if fmt == "csv" else _jsonl_rows(raw)


def _string(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RowError(f"{name} {value!r} is not text")
    value = str(value).strip()
    if "\x00" in value and name in ID_LIMITS:
        raise RowError(f"{name} contains a NUL character")
    limit = ID_LIMITS.get(name)
    if limit and len(value) > limit:
        raise RowError(f"{name} is longer than {limit} characters")
    return value


def _followers(row: dict) -> int:
    value = row.get("followers")
    if value in (None, ""):
        return 0
    try:
        number = float(value) if not isinstance(value, (int, bool)) else value
        if isinstance(value, bool) or not math.isfinite(number) or number != int(number):
            raise ValueError
    except (TypeError, ValueError):
        raise RowError(f"followers {value!r} is not a whole number") from None
    if not 0 <= int(number) <= MAX_FOLLOWERS:
        raise RowError(f"followers {value!r} is not between 0 and {MAX_FOLLOWERS:,}")
    return int(number)


def _posted_at(row: dict, tz) -> datetime:
    value = row.get("posted_at")
    try:
        posted_at = datetime.fromisoformat(str(value or "").strip())
        if posted_at.tzinfo is None:
            posted_at = posted_at.replace(tzinfo=tz)
        posted_at = posted_at.astimezone(dt_timezone.utc)
    except (ValueError, OverflowError):
        raise RowError(f"posted_at {value!r} is not an ISO 8601 date such as 2026-11-23T09:30:00+01:00") from None
    if not EARLIEST <= posted_at <= timezone.now() + timedelta(days=1):
        raise RowError(f"posted_at {value!r} is not between 1970 and today")
    return posted_at


def _row_item(row: dict, tz) -> tuple[str, NormalizedMention]:
    text = row.get("text")
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise RowError("no text")
    if len(text) > MAX_TEXT:
        raise RowError(f"text longer than {MAX_TEXT:,} characters")
    posted_at = _posted_at(row, tz)
    platform = _string(row, "platform").lower() or Platform.OTHER
    if platform not in Platform.values:
        raise RowError(f"platform {platform!r} is not one of {', '.join(Platform.values)}")
    author_key = _string(row, "author")
    external_id = _string(row, "id") or "import:" + hashlib.sha256(
        f"{posted_at.isoformat()}|{author_key}|{text}".encode()).hexdigest()[:40]
    followers = _followers(row)
    author = NormalizedAuthor(external_id=author_key, handle=author_key.lstrip("@"),
                              display_name=_string(row, "author_name"), followers_count=followers) if author_key else None
    return platform, NormalizedMention(
        external_id=external_id, text=text, posted_at=posted_at, author=author, url=_string(row, "url"),
        title=_string(row, "title"), language=_string(row, "language"),
        in_reply_to_id=_string(row, "in_reply_to"), raw={"import": row},
    )


def mentions_import(*, brand: Brand, raw: bytes, fmt: str, name: str) -> ImportReport:
    report = ImportReport()
    source = Source.objects.filter(brand=brand, kind=SourceKind.FILE_IMPORT, target=name[:500]).first() or \
        source_save(source=Source(brand=brand, kind=SourceKind.FILE_IMPORT, target=name[:500], enabled=False))
    tz = zoneinfo.ZoneInfo(brand.time_zone)
    batches: dict[str, list[tuple[int, NormalizedMention]]] = {}

    def store(platform: str, lines_items: list[tuple[int, NormalizedMention]]) -> None:
        report.stored.add(mention_ingest(brand=brand, platform=platform, items=[i for _n, i in lines_items],
                                         source=source))

    def flush(platform: str) -> None:
        batch = batches.pop(platform)
        try:
            store(platform, batch)
        except Exception:  # noqa: BLE001 - a failure no check foresaw: find its row, keep the others
            logger.warning("Import of %s: a batch failed, storing its rows one by one", name, exc_info=True)
            for number, item in batch:
                try:
                    store(platform, [(number, item)])
                except Exception as error:  # noqa: BLE001
                    report.bad_rows.append((number, f"could not be stored ({error})"))

    for number, row in _rows(raw, fmt):
        if isinstance(row, str):
            report.bad_rows.append((number, row))
            continue
        try:
            platform, item = _row_item(row, tz)
        except RowError as error:
            report.bad_rows.append((number, str(error)))
            continue
        batches.setdefault(platform, []).append((number, item))
        if len(batches[platform]) >= BATCH:
            flush(platform)
    for platform in list(batches):
        flush(platform)
    report.bad_rows.sort()
    return report
