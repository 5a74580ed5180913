"""Factories for responses: replies to mentions."""

import factory

from responses.models import Response
from tests.listening.factories import MentionFactory


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    mention = factory.SubFactory(MentionFactory)
    text = "Bonjour, nous regardons tout de suite. Pouvez-vous nous écrire en privé ?"
