"""Factories for listening: brands, their sources and credentials, authors and mentions."""

from datetime import timedelta

import factory
from django.utils import timezone

from listening.choices import Platform, SourceKind
from listening.crypto import encrypt_secrets
from listening.models import Author, Brand, Credential, Mention, Source

X_SENDING_SECRETS = {
    "bearer_token": "bearer-xyz", "consumer_key": "ck", "consumer_secret": "cs",
    # OAuth 1.0a access tokens start with the account's X id.
    "access_token": "1500000000000000001-at", "access_token_secret": "ats",
}
FACEBOOK_PAGE_SECRETS = {"page_access_token": "EAAB-page", "app_secret": "s3cret"}


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    brand = factory.SubFactory(BrandFactory)
    kind = SourceKind.X_SEARCH
    target = factory.Sequence(lambda n: f"query {n}")


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    class Params:
        secrets = factory.LazyAttribute(
            lambda o: X_SENDING_SECRETS if o.platform == Platform.TWITTER else FACEBOOK_PAGE_SECRETS)

    brand = factory.SubFactory(BrandFactory)
    platform = Platform.TWITTER
    name = factory.Sequence(lambda n: f"Brand account {n}")
    secrets_encrypted = factory.LazyAttribute(lambda o: encrypt_secrets(o.secrets))


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    platform = Platform.TWITTER
    external_id = factory.Sequence(lambda n: f"author-{n}")
    handle = factory.Sequence(lambda n: f"customer{n}")
    followers_count = 150


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    brand = factory.SubFactory(BrandFactory)
    platform = Platform.TWITTER
    external_id = factory.Sequence(lambda n: f"tweet-{n}")
    author = factory.SubFactory(AuthorFactory)
    text = "Toujours pas de fibre depuis lundi @LumioFR"
    language = "fr"
    label = "complaint"
    posted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
