"""Listening stores; the pipeline's steps label and triage on the way in (pipeline/ingestion.py)."""

from datetime import timedelta

from django.utils import timezone

from listening import steps
from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Mention
from pipeline.ingestion import TriageSteps
from platforms.normalized import NormalizedMention
from sla.models import CountedIn
from tests.factories import BrandFactory, SLAPolicyFactory


def _item(external_id: str) -> NormalizedMention:
    return NormalizedMention(external_id=external_id, text="Mon IBAN FR7630006000011234567890189, aidez-moi",
                             posted_at=timezone.now() - timedelta(minutes=5))


def test_the_pipeline_installs_its_steps_when_django_starts():
    assert isinstance(steps.ingest_steps(), TriageSteps)


def test_listening_alone_stores_untriaged_and_the_pipeline_triages(db, monkeypatch):
    brand = BrandFactory()
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=None,
                     counted_in=CountedIn.CALENDAR)
    monkeypatch.setitem(steps._installed, "steps", steps.IngestSteps())
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("bare")])
    bare = Mention.objects.get(external_id="bare")
    assert (bare.first_response_due_at, bare.exposes_personal_data, bare.priority_reasons) == (None, False, [])

    monkeypatch.undo()
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("triaged")])
    triaged = Mention.objects.get(external_id="triaged")
    assert triaged.first_response_due_at == triaged.posted_at + timedelta(minutes=60)
    assert triaged.exposes_personal_data and "iban" in triaged.personal_data_kinds
    assert triaged.priority_reasons
