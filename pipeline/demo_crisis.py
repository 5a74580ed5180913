"""The demo's past crisis: an evening fibre outage around Lyon, five days ago, when complaints
poured in for an hour. The crisis detector runs on that hour as it did at the time, so the
alert holds the figures and reasons it would have had; Nadia acknowledged it and resolved it
once the network was back, and Sam closed the complaints with it. The alerts page then shows
what an alert looks like."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from complaints.alerting import (
    crisis_alert_acknowledge,
    crisis_alert_record,
    crisis_alert_resolve,
)
from complaints.crisis_data import brand_crisis_check
from complaints.models import CrisisAlert
from complaints.services import mention_status_set
from listening.choices import Platform, Status
from listening.ingestion import mention_ingest
from platforms.normalized import NormalizedAuthor, NormalizedMention

DAYS_AGO = 5
PLACES = ["Lyon 3e", "Villeurbanne", "Lyon 7e", "Vénissieux", "Bron", "Caluire", "Oullins", "Lyon 8e"]
TEXTS = [  # (language, text): each used once per place in turn
    ("fr", "@LumioFR plus d'internet ni de télé depuis 20h à {place}, c'est quoi cette panne ?"),
    ("fr", "@LumioAssist box Lumio qui clignote rouge à {place}, le 3900 sonne dans le vide. #panne"),
    ("fr", "Encore une panne Lumio à {place} ce soir, impossible de bosser. Remboursez-nous ce mois-ci."),
    ("en", "@Lumio_EN whole street in {place} has lost fibre since 8pm, any ETA? Your status page says all good."),
]
COUNT = 24  # complaints in the hour, where a handful is usual


def demo_crisis_load(*, brand, source, manager, agent, rng: random.Random, now: datetime) -> CrisisAlert | None:
    """Posts the outage's mentions and records its alert, once (a second run finds it)."""
    if CrisisAlert.objects.filter(brand=brand).exists():
        return None
    zone = ZoneInfo(brand.time_zone)
    end = datetime.combine((now.astimezone(zone) - timedelta(days=DAYS_AGO)).date(), time(21), tzinfo=zone)
    items = []
    for index in range(COUNT):
        language, text = TEXTS[index % len(TEXTS)]
        handle = f"{rng.choice(['julie', 'karim', 'lea', 'tom', 'ines', 'hugo'])}_{PLACES[index % len(PLACES)][:4].lower()}{index}"
        items.append(NormalizedMention(
            external_id=f"demo-outage-{index:03d}", text=text.format(place=PLACES[index % len(PLACES)]),
            posted_at=end - timedelta(minutes=58 - 2 * index), language=language,
            author=NormalizedAuthor(external_id=f"demo-{handle}", handle=handle, followers_count=rng.randint(20, 900),
                                    profile_url=f"https://x.com/{handle}"),
            url=f"https://x.com/i/status/demo-outage-{index:03d}", reposts_count=rng.randint(0, 30),
            likes_count=rng.randint(0, 60)))
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=items, source=source, fetched_at=end)
    check = brand_crisis_check(brand=brand, end=end)
    for mention in brand.mentions.filter(external_id__startswith="demo-outage-"):
        mention_status_set(mention=mention, status=Status.RESOLVED, actor=agent, at=end + timedelta(hours=3))
    if not check.is_crisis:
        return None
    crisis_alert_record(brand=brand, check=check, now=end)
    alert = CrisisAlert.objects.get(brand=brand)
    # Handled at the time: resolved, it is never e-mailed or posted now.
    crisis_alert_acknowledge(alert=alert, user=manager, now=end + timedelta(minutes=12))
    return crisis_alert_resolve(alert=alert, user=manager, now=end + timedelta(hours=3, minutes=20))
