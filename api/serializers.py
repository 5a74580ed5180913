"""What the API shows of Écoute's objects. Reads only: writes go through the services."""

from rest_framework import serializers

from listening.models import Author, Mention, MentionEvent, Source
from responses.models import CannedResponse, Response


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["external_id", "handle", "display_name", "followers_count", "profile_url"]


class MentionSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.slug")
    author = AuthorSerializer(allow_null=True)
    assignee = serializers.CharField(source="assignee.get_username", allow_null=True, default=None)

    class Meta:
        model = Mention
        fields = ["id", "brand", "platform", "external_id", "url", "title", "text", "language", "posted_at",
                  "author", "label", "predicted_label", "confidence", "status", "assignee", "priority",
                  "priority_reasons", "exposes_personal_data", "first_response_at", "first_response_due_at",
                  "resolved_at", "in_reply_to_id", "conversation_id", "reposts_count", "likes_count",
                  "replies_count"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", allow_null=True, default=None)

    class Meta:
        model = MentionEvent
        fields = ["kind", "at", "actor", "data"]


class ResponseSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", allow_null=True, default=None)

    class Meta:
        model = Response
        fields = ["id", "mention", "text", "visibility", "channel", "status", "platform_reply_id", "error_message",
                  "attempts", "author", "created_at", "sent_at"]


class MentionDetailSerializer(MentionSerializer):
    events = EventSerializer(many=True)
    responses = ResponseSerializer(many=True)

    class Meta(MentionSerializer.Meta):
        fields = MentionSerializer.Meta.fields + ["events", "responses"]


class CannedResponseSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.slug", allow_null=True, default=None)

    class Meta:
        model = CannedResponse
        fields = ["id", "brand", "title", "language", "label", "text"]


class SourceHealthSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.slug")

    class Meta:
        model = Source
        fields = ["id", "brand", "kind", "target", "enabled", "state", "last_polled_at", "last_success_at",
                  "last_error", "last_error_at", "consecutive_failures", "retry_not_before"]


class ReportTableSerializer(serializers.Serializer):
    title = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    total = serializers.ListField(allow_null=True)
    unit = serializers.CharField()


class ReportFiguresSerializer(serializers.Serializer):
    brands = serializers.ListField(child=serializers.CharField())
    start = serializers.DateField()
    end = serializers.DateField()
    group = serializers.CharField()
    as_of = serializers.DateTimeField()
    tables = serializers.DictField(child=ReportTableSerializer())


# Requests
class LabelInput(serializers.Serializer):
    label = serializers.CharField()


class StatusInput(serializers.Serializer):
    status = serializers.CharField()


class AssignmentInput(serializers.Serializer):
    assignee = serializers.CharField(allow_null=True, help_text="A user id, “me”, or null to unassign.")


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=10_000, trim_whitespace=True)
    visibility = serializers.ChoiceField(choices=["public", "private"], default="public")
