"""Factories for integrations: outgoing webhook subscriptions."""

import factory

from integrations.models import Subscription
from listening.crypto import encrypt_secrets
from tests.listening.factories import BrandFactory


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    class Params:
        secret = "whsec-test-0123456789"

    brand = factory.SubFactory(BrandFactory)
    name = "helpdesk"
    url = "http://127.0.0.1:9/hook"
    events = factory.LazyFunction(lambda: ["mention.created"])
    secret_encrypted = factory.LazyAttribute(lambda o: encrypt_secrets({"signing_secret": o.secret}))
