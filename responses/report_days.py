"""The report's raw material: the chosen brands' mentions of a period and their stored response
times, as numpy arrays sorted by brand then time, with times in whole minutes since the epoch.

Reading a year of a busy brand row by row costs seconds (a million mentions), so on Postgres the
rows of each brand and UTC day are kept packed in responses.ReportDay. Triggers bump a pack's
version whenever one of its rows is written (migration 0005); a pack is read only while its
built_version equals that version, and any other is rebuilt here from the rows first. The figures
are therefore exactly those of the rows, read at the moment of the report.

Why the race can't leave a stale pack: the builder reads a pack's version before reading the
rows, and stores the rebuilt pack only `WHERE version = <that version>`. A writer bumps the
version in its own transaction (row-locked until it commits), so a pack built from rows that
missed its change is never stored under a version that claims to include it.

Minutes are exact for the report: period and bucket limits are local midnights, whole minutes in
every time zone."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.db import connection
from django.db.models import F
from django.utils import timezone

from listening.choices import Label, Platform
from listening.models import Brand, Mention
from responses.models import MentionTiming, ReportDay

LABELS = ("", *Label.values)  # code = position; "" = not classified yet
PLATFORMS = (*Platform.values,)
DAY_MINUTES = 1440
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# (field, dtype) of each packed array, in ReportDay's column order.
MENTION_ARRAYS = (("mention_minutes", np.uint16), ("mention_labels", np.uint8), ("mention_platforms", np.uint8))
TIMING_ARRAYS = (("timing_minutes", np.uint16), ("timing_agents", np.int64), ("first_response", np.float64),
                 ("first_response_met", np.int8), ("resolution", np.float64), ("resolution_met", np.int8))
ARRAYS = MENTION_ARRAYS + TIMING_ARRAYS
# What a pack's bytes mean: a pack written under other codes or types (a label or platform added)
# is not fresh, whatever its version says.
PACK_FORMAT = hashlib.sha1(repr((LABELS, PLATFORMS, [(n, np.dtype(t).str) for n, t in ARRAYS])).encode()).hexdigest()[:16]
_LABEL_CODE = {label: code for code, label in enumerate(LABELS)}
_PLATFORM_CODE = {platform: code for code, platform in enumerate(PLATFORMS)}
_MET_CODE = {True: 1, False: 0, None: -1}


@dataclass
class Material:
    """Arrays of equal length per kind, sorted by brand then minute. `*_brand_starts`: where each
    brand's run begins (times only grow inside a run)."""

    mention_at: np.ndarray  # int64 minutes since the epoch
    label: np.ndarray  # uint8, code in LABELS
    platform: np.ndarray  # uint8, code in PLATFORMS
    timing_at: np.ndarray
    agent: np.ndarray  # int64 user id, 0 = nobody
    first_response: np.ndarray  # float64 minutes, NaN = not answered
    first_response_met: np.ndarray  # int8: 1 met, 0 missed, -1 no verdict
    resolution: np.ndarray
    resolution_met: np.ndarray
    mention_runs: list[tuple[int, int]]
    timing_runs: list[tuple[int, int]]


def epoch_minutes(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def period_material(*, brand_ids: list[int] | tuple[int, ...], since: datetime, until: datetime) -> Material:
    brand_ids = sorted(brand_ids) or sorted(Brand.objects.values_list("pk", flat=True))
    first_day = since.astimezone(UTC).date()
    last_day = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    if connection.vendor == "postgresql":
        packs = _packs(brand_ids, first_day, last_day)
    else:  # the SQLite demo: small, read from the rows each time
        packs = {key: packed(arrays) for key, arrays in _built(brand_ids, [(b, first_day, last_day)
                                                                            for b in brand_ids]).items()}
    return _material(packs, brand_ids, epoch_minutes(since), epoch_minutes(until))


def report_days_refresh(*, days: int = 400) -> int:
    """Rebuilds the stale packs of the last `days` days of every brand (Celery beat, every few
    minutes), so a manager's first report after a busy day — or after an upgrade — needn't.
    Returns how many were stale."""
    if connection.vendor != "postgresql":
        return 0
    today = timezone.now().astimezone(UTC).date()
    first = today - timedelta(days=days)
    stale = ReportDay.objects.filter(day__gte=first).exclude(built_version=F("version"), pack_format=PACK_FORMAT)
    brand_ids = sorted(set(stale.values_list("brand_id", flat=True)))
    if brand_ids:
        count = stale.count()
        _packs(brand_ids, first, today + timedelta(days=1), only_stale=True)
        return count
    return 0


# -- packs ----------------------------------------------------------------------------------------

def _packs(brand_ids: list[int], first_day: date, last_day: date,
           only_stale: bool = False) -> dict[tuple[int, date], tuple]:
    """Each (brand, day)'s arrays (as bytes), fresh from its pack or rebuilt from the rows
    (only_stale: just rebuild the stale ones)."""
    packs, stale = {}, {}
    for brand_id, day, version, fresh, arrays in _pack_rows(brand_ids, first_day, last_day, only_stale):
        if fresh:
            packs[brand_id, day] = tuple(b"" if a is None else a for a in arrays)
        else:
            stale[brand_id, day] = version
    if stale:
        built = _built(brand_ids, _day_ranges(stale))
        rebuilt = {key: packed(built.get(key) or _empty()) for key in stale}
        _store({key: (version, rebuilt[key]) for key, version in stale.items()})
        packs.update(rebuilt)
    return packs


_EPOCH_2000 = date(2000, 1, 1)


def _pack_rows(brand_ids: list[int], first_day: date, last_day: date, only_stale: bool = False):
    """The packs' rows through COPY's binary format: the arrays arrive as they are stored (a
    SELECT would send them as hexadecimal text, twice the bytes, parsed once more)."""
    columns = ", ".join(name for name, _dtype in ARRAYS)
    with connection.cursor() as cursor:
        fresh = "built_version IS NOT DISTINCT FROM version AND pack_format = %s"
        selected = ", ".join(["NULL"] * len(ARRAYS)) if only_stale else columns  # rebuilt anyway: not sent
        where = f" AND NOT ({fresh})" if only_stale else ""
        query = cursor.mogrify(
            f"COPY (SELECT brand_id, day, version, {fresh}, {selected} FROM responses_reportday "
            f"WHERE brand_id = ANY(%s) AND day BETWEEN %s AND %s{where} ORDER BY brand_id, day) TO STDOUT (FORMAT binary)",
            [PACK_FORMAT, brand_ids, first_day, last_day, *([PACK_FORMAT] if only_stale else [])])
        buffer = io.BytesIO()
        cursor.cursor.copy_expert(query.decode() if isinstance(query, bytes) else query, buffer)
    data = memoryview(buffer.getbuffer())
    position = 11 + 4 + 4 + int.from_bytes(data[15:19], "big")  # signature, flags, header extension
    while True:
        count = int.from_bytes(data[position:position + 2], "big", signed=True)
        position += 2
        if count == -1:
            return
        fields = []
        for _field in range(count):
            length = int.from_bytes(data[position:position + 4], "big", signed=True)
            position += 4
            fields.append(None if length < 0 else data[position:position + length])
            position += max(length, 0)
        brand_id, day, version, fresh = fields[:4]
        yield (int.from_bytes(brand_id, "big", signed=True),
               _EPOCH_2000 + timedelta(days=int.from_bytes(day, "big", signed=True)),
               int.from_bytes(version, "big", signed=True), bytes(fresh) == b"\x01", fields[4:])


def _day_ranges(days) -> list[tuple[int, date, date]]:
    """(brand, first day, last day) runs of consecutive days."""
    ranges: list[list] = []
    for brand_id, day in sorted(days):
        if ranges and ranges[-1][0] == brand_id and ranges[-1][2] + timedelta(days=1) == day:
            ranges[-1][2] = day
        else:
            ranges.append([brand_id, day, day])
    return [tuple(r) for r in ranges]


def _store(packs: dict[tuple[int, date], tuple[int, tuple]]) -> None:
    """Saves rebuilt packs unless a writer bumped their version since it was read. A pack whose
    row a writer holds locked is being changed: it is skipped (SKIP LOCKED), so a report never
    waits for a writer, nor a writer for a report."""
    now = timezone.now()
    params = [[*arrays, now, version, PACK_FORMAT, brand_id, day, version]
              for (brand_id, day), (version, arrays) in packs.items()]
    sets = ", ".join(f"{name} = %s" for name, _dtype in ARRAYS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE responses_reportday SET {sets}, built_at = %s, built_version = %s, pack_format = %s "
            "WHERE id = (SELECT id FROM responses_reportday WHERE brand_id = %s AND day = %s AND version = %s "
            "FOR UPDATE SKIP LOCKED)", params)


def packed(arrays: tuple) -> tuple[bytes, ...]:
    return tuple(np.ascontiguousarray(a).tobytes() for a in arrays)


def _empty() -> tuple:
    return tuple(np.empty(0, dtype) for _name, dtype in ARRAYS)


def _built(brand_ids: list[int], ranges: list[tuple[int, date, date]]) -> dict[tuple[int, date], tuple]:
    """Packs for these (brand, first day, last day) ranges, read from the rows."""
    packs: dict[tuple[int, date], tuple] = {}
    mention_types = tuple(dtype for _name, dtype in MENTION_ARRAYS[1:])
    for key, (minutes, labels, platforms) in _by_day(_mention_rows(ranges), mention_types).items():
        packs[key] = (minutes, labels, platforms, *_empty()[3:])
    timing_types = tuple(dtype for _name, dtype in TIMING_ARRAYS[1:])
    for key, arrays in _by_day(_timing_rows(ranges), timing_types).items():
        packs[key] = (*(packs.get(key) or _empty())[:3], *arrays)
    return packs


def _by_day(rows: list[tuple], dtypes) -> dict[tuple[int, date], tuple[np.ndarray, ...]]:
    """rows: (brand, minutes since the epoch, *values) → {(brand, UTC day): (minutes of the day,
    *value arrays)}, each day in time order."""
    if not rows:
        return {}
    brands = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    minutes = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    values = [np.fromiter((r[2 + i] for r in rows), dtype=dtype, count=len(rows)) for i, dtype in enumerate(dtypes)]
    order = np.lexsort((minutes, brands))
    brands, minutes = brands[order], minutes[order]
    values = [v[order] for v in values]
    days, of_day = np.divmod(minutes, DAY_MINUTES)
    starts = np.flatnonzero(np.r_[True, (brands[1:] != brands[:-1]) | (days[1:] != days[:-1])])
    ends = np.append(starts[1:], len(order))
    epoch = date(1970, 1, 1)
    return {(int(brands[s]), epoch + timedelta(days=int(days[s]))): (of_day[s:e].astype(np.uint16),
                                                                     *(v[s:e] for v in values))
            for s, e in zip(starts, ends)}


def _range_filter(ranges) -> tuple[str, list]:
    clauses, params = [], []
    for brand_id, first, last in ranges:
        clauses.append("(brand_id = %s AND posted_at >= %s AND posted_at < %s)")
        params += [brand_id, datetime.combine(first, datetime.min.time(), UTC),
                   datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)]
    return " OR ".join(clauses) or "FALSE", params


def _rows(model, fields: tuple[str, ...], ranges) -> list[tuple]:
    """(brand, minutes since the epoch, *fields) of the model's rows posted in these ranges."""
    if connection.vendor == "postgresql":
        where, params = _range_filter(ranges)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT brand_id, floor(extract(epoch FROM posted_at) / 60)::bigint, {', '.join(fields)} "
                           f"FROM {model._meta.db_table} WHERE {where}", params)
            return cursor.fetchall()
    rows = []
    for brand_id, first, last in ranges:
        since = datetime.combine(first, datetime.min.time(), UTC)
        rows += [(b, epoch_minutes(at), *rest) for b, at, *rest in model.objects.filter(
            brand_id=brand_id, posted_at__gte=since, posted_at__lt=since + timedelta(days=(last - first).days + 1)
        ).values_list("brand_id", "posted_at", *fields)]
    return rows


def _mention_rows(ranges) -> list[tuple]:
    return [(b, m, _LABEL_CODE.get(label, 0), _PLATFORM_CODE.get(platform, len(PLATFORMS) - 1))
            for b, m, label, platform in _rows(Mention, ("label", "platform"), ranges)]


def _timing_rows(ranges) -> list[tuple]:
    fields = ("agent_id", "first_response_minutes", "first_response_met", "resolution_minutes", "resolution_met")
    nan = float("nan")
    return [(b, m, agent or 0, nan if first is None else first, _MET_CODE[first_met],
             nan if resolution is None else resolution, _MET_CODE[resolution_met])
            for b, m, agent, first, first_met, resolution, resolution_met in _rows(MentionTiming, fields, ranges)]


# -- the period's arrays ---------------------------------------------------------------------------

def _material(packs: dict[tuple[int, date], tuple], brand_ids: list[int], since: int, until: int) -> Material:
    """packs: {(brand, day): the arrays' bytes, in ARRAYS order}."""
    ordered = sorted(packs.items())
    columns = [np.frombuffer(b"".join(p[i] for _key, p in ordered), dtype=dtype) for i, (_n, dtype) in enumerate(ARRAYS)]
    sizes = np.array([[len(p[0]) // 2, len(p[3]) // 2] for _key, p in ordered], dtype=np.int64).reshape(-1, 2)
    bases = np.array([(day - date(1970, 1, 1)).days * DAY_MINUTES for (_b, day), _p in ordered], dtype=np.int64)
    mentions_at = columns[0].astype(np.int64) + np.repeat(bases, sizes[:, 0])
    timings_at = columns[3].astype(np.int64) + np.repeat(bases, sizes[:, 1])
    brands = np.array([b for (b, _day), _p in ordered], dtype=np.int64)
    mention_runs, timing_runs = [], []
    for brand_id in brand_ids:  # each brand's packs are consecutive, in day order
        mine = np.flatnonzero(brands == brand_id)
        for runs, column in ((mention_runs, 0), (timing_runs, 1)):
            start = int(sizes[:mine[0], column].sum()) if len(mine) else 0
            runs.append((start, start + int(sizes[mine, column].sum()) if len(mine) else start))
    # Keep the period only: inside each brand's run times grow, so each run is cut by bisection.
    kept_mentions, mention_runs = _cut(mentions_at, mention_runs, since, until)
    kept_timings, timing_runs = _cut(timings_at, timing_runs, since, until)
    return Material(
        mention_at=_slices(mentions_at, kept_mentions), label=_slices(columns[1], kept_mentions),
        platform=_slices(columns[2], kept_mentions), timing_at=_slices(timings_at, kept_timings),
        agent=_slices(columns[4], kept_timings).astype(np.int64), first_response=_slices(columns[5], kept_timings),
        first_response_met=_slices(columns[6], kept_timings), resolution=_slices(columns[7], kept_timings),
        resolution_met=_slices(columns[8], kept_timings), mention_runs=mention_runs, timing_runs=timing_runs)


def _slices(array: np.ndarray, slices: list[tuple[int, int]]) -> np.ndarray:
    return np.concatenate([array[start:end] for start, end in slices]) if slices else array[:0]


def _cut(at: np.ndarray, runs: list[tuple[int, int]], since: int, until: int):
    """The (start, end) slice of each run inside [since, until), and the runs after the cut."""
    kept, new_runs, count = [], [], 0
    for start, end in runs:
        low = start + int(np.searchsorted(at[start:end], since, side="left"))
        high = start + int(np.searchsorted(at[start:end], until, side="left"))
        kept.append((low, high))
        new_runs.append((count, count + high - low))
        count += high - low
    return kept, new_runs
