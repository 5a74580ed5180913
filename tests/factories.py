from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from listening.choices import Platform, SourceKind
from listening.models import Author, Brand, Mention, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


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
