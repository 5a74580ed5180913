"""Demo data: the fictional operator Lumio, its sources, users of every role, and a month
of mentions in French and English. Texts live in demo_data/lumio.jsonl, written for
this project, with the label a person would give; the classifier (trained from the corpus
if none is active) labels them as they arrive, and agents correct some of its mistakes.
Authors, times, engagement and triage history come from a seeded random generator."""

import json
import random
import zlib
from datetime import time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from complaints.classifier.lifecycle import active_pipeline, model_train
from complaints.services import (
    mention_assign,
    mention_label_correct,
    mention_status_set,
)
from listening.choices import CredentialPlatform, Platform, SourceKind, Status
from pipeline.demo_crisis import demo_crisis_load
from listening.ingestion import mention_ingest
from listening.models import Brand, Credential, Mention, Source
from platforms.normalized import NormalizedAuthor, NormalizedMention
from responses.models import CannedResponse, Visibility
from sla.models import BusinessCalendar, CountedIn, Shift, SLAPolicy
from responses.sending import response_record_sent

TEXTS = Path(__file__).parent / "demo_data" / "lumio.jsonl"
DEMO_PASSWORD = "ecoute-demo"
SANDBOX_CREDENTIAL = "Lumio sandbox (demo: replies are not published)"
OLD_FAKE_CREDENTIALS = ["@LumioFR API (demo)", "Page Lumio (demo)", "Instagram @lumio.fr (demo)",
                        "@Lumio@mastodon.social (demo)", "lumio.bsky.social (demo)"]  # earlier demos' tokens that never worked
USERS = [  # username, first name, last name, role
    ("admin", "Alex", "Martin", roles.ADMIN),
    ("manager", "Nadia", "Benali", roles.MANAGER),
    ("camille", "Camille", "Roux", roles.COMMUNITY_MANAGER),
    ("sam", "Sam", "Okafor", roles.COMMUNITY_MANAGER),
]
FIRST = ["lea", "hugo", "ines", "tom", "sarah", "yanis", "chloe", "mehdi", "julie", "lucas", "emma", "karim",
         "manon", "theo", "amira", "jake", "olivia", "ryan", "priya", "liam", "grace", "noah", "zoe", "omar"]
SUFFIX = ["", "_", "75", "69", "13", "_off", "_pro", "92", "33", "x", "_b", "2k", "_lyon", "_ldn", "59", "31"]
REPLIES = {
    "fr": [
        "Bonjour {name}, désolés pour la gêne. Pouvez-vous nous écrire en message privé avec votre numéro de ligne ? On regarde tout de suite.",
        "Merci pour votre message {name} ! On transmet à l'équipe, ça fait plaisir.",
        "Bonjour {name}, oui c'est possible : tout est expliqué ici, et on reste dispo en MP si besoin.",
        "Bonjour {name}, un incident est en cours dans votre secteur, nos techniciens sont sur place. On vous tient au courant.",
    ],
    "en": [
        "Hi {name}, sorry about this. Could you DM us your account details? We'll look into it right away.",
        "Thanks so much {name}, we've passed this on to the team!",
        "Hi {name}, yes you can: our help page has the steps, and we're here in DM if you need us.",
        "Hi {name}, there's a known outage in your area and our engineers are on it. We'll keep you posted.",
    ],
}
REPLY_INDEX = {"complaint": (0, 3), "praise": (1,), "question": (2,), "other": (1,)}


def _users():
    User = get_user_model()
    created = []
    for username, first, last, role in USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
        user.set_password(DEMO_PASSWORD)
        user.email = f"{username}@lumio.example"
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        created.append((user, role))
    return created


def _brand():
    brand, _ = Brand.objects.get_or_create(
        slug="lumio",
        defaults={"name": "Lumio", "time_zone": "Europe/Paris",
                  "own_accounts": "@LumioFR\n@LumioAssist\n@Lumio_EN\n104857600000001\n@lumio.fr\n"
                                  "@Lumio@mastodon.social\nlumio.bsky.social"},
    )
    # The demo answers through the sandbox: its X and Facebook mentions keep their look and
    # their platform's rules (280 characters, one private reply per comment), and replies are
    # accepted without network. Its sources have no credential: no real token exists, and
    # the brand's sandbox credential is the one replies go out with (responses/senders.py).
    Credential.objects.filter(brand=brand, name__in=OLD_FAKE_CREDENTIALS).delete()
    Credential.objects.get_or_create(brand=brand, platform=CredentialPlatform.SANDBOX, name=SANDBOX_CREDENTIAL)
    sources = {
        "twitter": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.X_SEARCH, target="Lumio OR @LumioFR OR #Lumio -is:retweet",
            defaults={"poll_every_minutes": 2})[0],
        "facebook": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.FACEBOOK_PAGE, target="104857600000001",
            defaults={"poll_every_minutes": 5})[0],
        "instagram": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.INSTAGRAM_ACCOUNT, target="17841400000000001",
            defaults={"poll_every_minutes": 5})[0],
        "blog": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.FEED, target="https://alerts.lumio.example/feeds/lumio.xml",
            defaults={"poll_every_minutes": 30, "keywords": "Lumio, LumiBox"})[0],
        "mastodon": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.MASTODON_MENTIONS, target="@Lumio@mastodon.social",
            defaults={"poll_every_minutes": 5})[0],
        "bluesky": Source.objects.get_or_create(
            brand=brand, kind=SourceKind.BLUESKY_MENTIONS, target="lumio.bsky.social",
            defaults={"poll_every_minutes": 5})[0],
    }
    Source.objects.get_or_create(brand=brand, kind=SourceKind.MASTODON_HASHTAG, target="#lumio",
                                 defaults={"poll_every_minutes": 10})
    Source.objects.get_or_create(brand=brand, kind=SourceKind.BLUESKY_SEARCH, target="Lumio",
                                 defaults={"poll_every_minutes": 10})
    Source.objects.get_or_create(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioAssist",
                                 defaults={"poll_every_minutes": 2})
    # Customer care answers 8:00–20:00 on weekdays and 9:00–13:00 on Saturdays: questions and
    # other mentions are counted in those business hours, complaints around the clock.
    calendar, _created = BusinessCalendar.objects.get_or_create(brand=brand)
    for weekday in range(6):
        starts, ends = (time(9), time(13)) if weekday == 5 else (time(8), time(20))
        Shift.objects.get_or_create(calendar=calendar, weekday=weekday, starts_at=starts, defaults={"ends_at": ends})
    for label, first, resolution, counted_in in [
        ("complaint", 60, 24 * 60, CountedIn.CALENDAR), ("question", 4 * 60, 48 * 60, CountedIn.BUSINESS_HOURS),
        ("", 24 * 60, None, CountedIn.BUSINESS_HOURS),
    ]:
        SLAPolicy.objects.update_or_create(brand=brand, label=label, defaults={
            "first_response_minutes": first, "resolution_minutes": resolution, "counted_in": counted_in})
    return brand, sources


def _canned(brand):
    items = [
        ("Excuses + MP", "fr", "complaint", "Bonjour {author}, toutes nos excuses pour ce désagrément. Pouvez-vous nous écrire en message privé pour que l'on regarde votre dossier ? {agent_first_name} de l'équipe {brand}"),
        ("Incident en cours", "fr", "complaint", "Bonjour {author}, un incident touche votre secteur, nos équipes sont mobilisées. On revient vers vous dès que c'est rétabli. {agent_first_name}"),
        ("Merci !", "fr", "praise", "Merci beaucoup {author}, on transmet à toute l'équipe {brand} ! 💙"),
        ("Apology + DM", "en", "complaint", "Hi {author}, we're sorry about this. Could you send us a DM so we can check your account? {agent_first_name} at {brand}"),
        ("Thanks!", "en", "praise", "Thanks a lot {author}, we've shared this with the whole {brand} team!"),
        ("Help page", "en", "question", "Hi {author}, good question! You'll find the steps in our help centre, and we're here in DM if you need us. {agent_first_name}"),
    ]
    for title, language, label, text in items:
        CannedResponse.objects.get_or_create(brand=brand, title=title, defaults={"language": language, "label": label, "text": text})


def _author(rng: random.Random, platform: str, lang: str) -> NormalizedAuthor:
    handle = rng.choice(FIRST) + rng.choice(["", ".", "_"]) + rng.choice(FIRST[:12] if lang == "fr" else FIRST[12:]) + rng.choice(SUFFIX)
    followers = int(rng.paretovariate(1.1) * 40)
    if platform == Platform.TWITTER:
        return NormalizedAuthor(external_id=f"demo-{handle}", handle=handle, display_name=handle.replace("_", " ").title(),
                                followers_count=followers, profile_url=f"https://x.com/{handle}")
    if platform == Platform.INSTAGRAM:
        handle = handle.replace("_", ".")
        return NormalizedAuthor(external_id=handle, handle=handle, followers_count=followers,
                                profile_url=f"https://www.instagram.com/{handle}/")
    if platform == Platform.FACEBOOK:
        return NormalizedAuthor(external_id=f"demo-fb-{handle}", display_name=handle.replace("_", " ").replace(".", " ").title(),
                                followers_count=0)
    if platform == Platform.MASTODON:
        return NormalizedAuthor(external_id=f"demo-masto-{handle}", handle=f"{handle}@mamot.example",
                                display_name=handle.replace("_", " ").title(), followers_count=followers,
                                profile_url=f"https://mamot.example/@{handle}")
    if platform == Platform.BLUESKY:
        bsky = handle.replace("_", "-").strip(".-") + ".bsky.social"
        return NormalizedAuthor(external_id=f"did:plc:demo{zlib.crc32(bsky.encode()):010d}", handle=bsky,
                                display_name=handle.replace("_", " ").title(), followers_count=followers,
                                profile_url=f"https://bsky.app/profile/{bsky}")
    return NormalizedAuthor(external_id=f"demo-blog-{handle}", handle=handle, display_name=f"Blog de {handle}" if lang == "fr" else f"{handle}'s blog",
                            followers_count=followers * 5, profile_url=f"https://{handle}.blog.example")


def _address(platform: str, index: int, author: NormalizedAuthor) -> tuple[str, str]:
    """The demo mention's platform id and its link, as each platform writes them."""
    external_id = f"demo-{platform}-{index:04d}"
    if platform == Platform.MASTODON:
        return external_id, f"https://mamot.example/@{author.handle.split('@')[0]}/{external_id}"
    if platform == Platform.BLUESKY:
        rkey = f"3demo{index:08d}"
        return f"at://{author.external_id}/app.bsky.feed.post/{rkey}", f"https://bsky.app/profile/{author.handle}/post/{rkey}"
    site = {Platform.TWITTER: "x.com/i/status", Platform.FACEBOOK: "facebook.com",
            Platform.INSTAGRAM: "www.instagram.com/p"}.get(platform, "blog.example/post")
    return external_id, f"https://{site}/{external_id}"


def load_demo(*, stdout=None, seed: int = 7) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    users = _users()
    agents = [u for u, role in users if role == roles.COMMUNITY_MANAGER]
    with transaction.atomic():
        brand, sources = _brand()
        _canned(brand)
    if active_pipeline() is None:  # mentions are classified on the way in, by a real model
        model_train(note="trained by load_demo")
    rows = [json.loads(line) for line in TEXTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    threads: dict[str, str] = {}
    created = 0
    for index, row in enumerate(rows):
        platform = row["platform"]
        # Spread over 30 days, denser recently, with a handful in the last hours.
        hours_ago = rng.random() ** 2 * 30 * 24 if index % 9 else rng.random() * 5
        posted_at = now - timedelta(hours=hours_ago)
        shares = int(rng.paretovariate(1.3)) - 1 if platform != "blog" else 0
        author = _author(rng, platform, row["lang"])
        external_id, url = _address(platform, index, author)
        conversation = ""
        if row.get("thread"):
            conversation = threads.setdefault(row["thread"], external_id)
        item = NormalizedMention(
            external_id=external_id, text=row["text"], title=row.get("title", ""), posted_at=posted_at,
            author=author, language=row["lang"], url=url, raw=row.get("raw", {}),
            conversation_id=conversation, in_reply_to_id=conversation if conversation != external_id else "",
            reposts_count=shares, likes_count=shares * rng.randint(2, 8), replies_count=rng.randint(0, 6),
        )
        fetched_at = posted_at + timedelta(minutes=rng.randint(1, 4))
        if not mention_ingest(brand=brand, platform=platform, items=[item], source=sources[platform],
                              fetched_at=fetched_at).new:
            continue  # loaded by an earlier run, history included
        created += 1
        mention = Mention.objects.get(brand=brand, platform=platform, external_id=external_id)
        _history(rng, mention, row, agents, now)
    manager = next(u for u, role in users if role == roles.MANAGER)
    demo_crisis_load(brand=brand, source=sources["twitter"], manager=manager, agent=agents[-1], rng=rng, now=now)
    summary = {"brand": brand.name, "mentions": Mention.objects.filter(brand=brand).count(), "new": created,
               "users": [(u.username, str(roles.LABELS[r])) for u, r in users], "password": DEMO_PASSWORD}
    return summary


def _history(rng, mention, row, agents, now):
    """Older mentions were mostly answered and resolved; recent ones wait in the queue."""
    age_hours = (now - mention.posted_at).total_seconds() / 3600
    label = row["label"]
    if age_hours < 3 or rng.random() < 0.15:
        if rng.random() < 0.3:
            mention_assign(mention=mention, assignee=rng.choice(agents), actor=None, at=mention.fetched_at)
        return
    agent = rng.choice(agents)
    taken_at = mention.fetched_at + timedelta(minutes=rng.randint(2, 40))
    mention_assign(mention=mention, assignee=agent, actor=agent, at=taken_at)
    if mention.label != label and rng.random() < 0.7:  # the agent fixed the model's mistake
        mention_label_correct(mention=mention, label=label, actor=agent)
    if label == "other" and rng.random() < 0.7:
        mention_status_set(mention=mention, status=Status.IGNORED, actor=agent, at=taken_at)
        return
    # Some answers arrive late, so the demo shows breached SLAs too.
    delay = timedelta(minutes=rng.choice([8, 15, 25, 45, 70, 150, 400]))
    sent_at = min(taken_at + delay, now - timedelta(minutes=5))
    name = f"@{mention.author.handle}" if mention.author and mention.author.handle else ""
    template = REPLIES[row["lang"]][rng.choice(REPLY_INDEX[label])]
    visibility = Visibility.PRIVATE if mention.exposes_personal_data else Visibility.PUBLIC
    response_record_sent(mention=mention, text=template.format(name=name).replace("  ", " "), author=agent,
                         visibility=visibility, sent_at=sent_at, platform_reply_id=f"demo-reply-{mention.pk}")
    if age_hours > 30 and rng.random() < 0.85:
        mention_status_set(mention=mention, status=Status.RESOLVED, actor=agent,
                           at=min(sent_at + timedelta(hours=rng.randint(1, 20)), now))
    elif rng.random() < 0.4:
        mention_status_set(mention=mention, status=Status.WAITING, actor=agent, at=sent_at)
