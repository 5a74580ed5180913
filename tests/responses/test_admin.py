"""Changing a brand's SLA rules in the admin counts its stored response times again."""

from datetime import timedelta

from django.utils import timezone

from complaints.classification import mention_triage_prepare
from responses.models import MentionTiming
from responses.sending import response_record_sent
from tests.factories import BrandFactory, MentionFactory, SLAPolicyFactory, UserFactory


def test_a_changed_sla_policy_recounts_the_stored_times(client, admin_user, django_capture_on_commit_callbacks):
    brand = BrandFactory()
    policy = SLAPolicyFactory(brand=brand, first_response_minutes=60)
    posted = timezone.now() - timedelta(hours=3)
    mention = mention_triage_prepare(mention=MentionFactory(brand=brand, posted_at=posted, label="complaint"))
    response_record_sent(mention=mention, text="Bonjour", author=UserFactory(username="sam"),
                         sent_at=posted + timedelta(minutes=45))
    assert MentionTiming.objects.get(mention=mention).first_response_met is True
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/sla/slapolicy/{policy.pk}/change/", {
            "brand": brand.pk, "label": "", "first_response_minutes": 30, "resolution_minutes": 1440,
            "near_breach_percent": 80, "counted_in": "calendar"}, follow=True)
    assert "counted again" in response.content.decode()
    assert MentionTiming.objects.get(mention=mention).first_response_met is False
