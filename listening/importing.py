"""Importing mentions from files: exports from another tool, call-centre or e-mail logs.

JSON lines or CSV (with a header). Each row needs `text` and `posted_at` (ISO 8601; without
a time zone it is read in the brand's time zone); `id` is the row's id in the other
system (without it, one is derived from the row's content, so importing a file twice
stores each row once). Optional: platform, author, author_name, followers, url, language,
title, in_reply_to. Bad rows are reported with their line number; good rows are stored."""

import csv
import hashlib
import io
import json
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from listening.choices import Platform, SourceKind
from listening.ingestion import IngestResult, mention_ingest
from listening.models import Brand, Source
from platforms.normalized import NormalizedAuthor, NormalizedMention

BATCH = 1000
MAX_TEXT = 100_000


@dataclass
class ImportReport:
    stored: IngestResult = field(default_factory=IngestResult)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def _rows(raw: bytes, fmt: str):
    """Yields (line number, dict or error message)."""
    text = raw.decode("utf-8", errors="replace")
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        for row in reader:
            yield reader.line_num, row
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield number, f"not valid JSON ({error.msg})"
            continue
        yield number, value if isinstance(value, dict) else "not a JSON object"


def _row_item(row: dict, tz) -> tuple[str, NormalizedMention]:
    text = (row.get("text") or "").strip() if isinstance(row.get("text"), str) else ""
    if not text:
        raise ValueError("no text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT:,} characters")
    try:
        posted_at = datetime.fromisoformat(str(row.get("posted_at") or "").strip())
    except ValueError:
        raise ValueError(f"posted_at {row.get('posted_at')!r} is not an ISO 8601 date such as 2026-11-23T09:30:00+01:00") from None
    if posted_at.tzinfo is None:
        posted_at = posted_at.replace(tzinfo=tz)
    platform = (row.get("platform") or Platform.OTHER).strip().lower()
    if platform not in Platform.values:
        raise ValueError(f"platform {platform!r} is not one of {', '.join(Platform.values)}")
    external_id = str(row.get("id") or "").strip() or "import:" + hashlib.sha256(
        f"{posted_at.isoformat()}|{row.get('author', '')}|{text}".encode()).hexdigest()[:40]
    author_key = str(row.get("author") or "").strip()
    try:
        followers = int(row.get("followers") or 0)
    except (TypeError, ValueError):
        raise ValueError(f"followers {row.get('followers')!r} is not a whole number") from None
    author = NormalizedAuthor(external_id=author_key, handle=author_key.lstrip("@"),
                              display_name=str(row.get("author_name") or ""), followers_count=followers) if author_key else None
    return platform, NormalizedMention(
        external_id=external_id[:128], text=text, posted_at=posted_at, author=author, url=str(row.get("url") or "")[:1000],
        title=str(row.get("title") or ""), language=str(row.get("language") or "")[:8],
        in_reply_to_id=str(row.get("in_reply_to") or ""), raw={"import": row},
    )


def mentions_import(*, brand: Brand, raw: bytes, fmt: str, name: str) -> ImportReport:
    report = ImportReport()
    source, _ = Source.objects.get_or_create(brand=brand, kind=SourceKind.FILE_IMPORT, target=name[:500],
                                             defaults={"enabled": False})
    tz = zoneinfo.ZoneInfo(brand.time_zone)
    batches: dict[str, list[NormalizedMention]] = {}

    def flush(platform):
        report.stored.add(mention_ingest(brand=brand, platform=platform, items=batches.pop(platform), source=source))

    for number, row in _rows(raw, fmt):
        if isinstance(row, str):
            report.bad_rows.append((number, row))
            continue
        try:
            platform, item = _row_item(row, tz)
        except ValueError as error:
            report.bad_rows.append((number, str(error)))
            continue
        batches.setdefault(platform, []).append(item)
        if len(batches[platform]) >= BATCH:
            flush(platform)
    for platform in list(batches):
        flush(platform)
    return report
