from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from complaints.alerting import crisis_alerts_email_pending
from complaints.models import CrisisAlert, CrisisAlertState
from listening.models import Mention
from responses.models import Response


def test_the_demo_gives_every_page_data(db, capsys, client, settings, http, django_capture_on_commit_callbacks):
    call_command("load_demo")
    out = capsys.readouterr().out
    for login in ("admin", "manager", "camille", "sam"):
        assert login in out
    assert "ecoute-demo" in out

    mentions = Mention.objects.filter(brand__slug="lumio")
    assert mentions.count() >= 300
    assert set(mentions.values_list("language", flat=True)) == {"fr", "en"}
    assert set(mentions.values_list("platform", flat=True)) == {
        "twitter", "facebook", "instagram", "blog", "mastodon", "bluesky"}
    bluesky = mentions.filter(platform="bluesky").first()
    assert bluesky.external_id.startswith("at://did:plc:") and bluesky.url.startswith("https://bsky.app/profile/")
    oldest = mentions.order_by("posted_at").first().posted_at
    assert timezone.now() - timedelta(days=30, minutes=5) <= oldest <= timezone.now() - timedelta(days=20)
    assert Response.objects.filter(mention__brand__slug="lumio").count() >= 100
    breaching = mentions.filter(status__in=["new", "open"], first_response_at__isnull=True,
                                first_response_due_at__lt=timezone.now())
    assert breaching.exists()
    assert mentions.filter(exposes_personal_data=True).exists()
    assert set(get_user_model().objects.values_list("groups__name", flat=True)) >= {"Admin", "Manager", "Community manager"}

    # One past crisis, found by the detector on the demo's outage evening, acknowledged and resolved.
    alert = CrisisAlert.objects.get(brand__slug="lumio")
    assert alert.state == CrisisAlertState.RESOLVED and alert.resolved_by.username == "manager"
    assert timezone.now() - timedelta(days=6) < alert.window_start < timezone.now() - timedelta(days=4)
    assert alert.figures["complaints"] >= 15 and alert.figures["usual_complaints"] <= 2
    assert {r["code"] for r in alert.reasons} >= {"complaints", "share"}
    assert len(alert.top_mention_ids) == 5
    assert crisis_alerts_email_pending() == 0 and alert.notified_at is None  # nobody is e-mailed about it now
    _a_new_user_can_answer_through_the_sandbox(client, settings, http, django_capture_on_commit_callbacks)

    call_command("load_demo")  # a second run adds nothing
    assert Mention.objects.filter(brand__slug="lumio").count() == mentions.count()
    assert CrisisAlert.objects.count() == 1


def test_demo_mentions_are_labelled_by_the_classifier_and_some_corrected(db):
    from complaints.models import ClassifierModel

    call_command("load_demo")
    mentions = Mention.objects.filter(brand__slug="lumio")
    used = set(mentions.values_list("model_version", flat=True))
    assert used and used <= set(ClassifierModel.objects.values_list("version", flat=True))
    assert mentions.filter(label_corrected_at__isnull=False).exists()


def _a_new_user_can_answer_through_the_sandbox(client, settings, http, capture):
    """The demo's X and Facebook mentions keep their look and are answered through the
    built-in sandbox: reply → sent → first response time, without network."""
    settings.SANDBOX_ALLOWED = True  # as with the demo's DEBUG=true
    mention = Mention.objects.filter(brand__slug="lumio", platform="twitter", responses__isnull=True,
                                     status="new").order_by("-posted_at").first()
    client.login(username="camille", password="ecoute-demo")
    with capture(execute=True):
        page = client.post(f"/mentions/{mention.pk}/reply/", {"text": "Bonjour, on regarde tout de suite.",
                                                              "visibility": "public"})
    assert page.status_code == 302
    response = Response.objects.get(mention=mention)
    assert response.status == "sent" and response.platform_reply_id.startswith("sandbox-")
    assert Mention.objects.get(pk=mention.pk).first_response_at == response.sent_at
    assert http.call_count == 0
