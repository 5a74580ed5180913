"""Écoute's REST API: the queue's mentions and what an agent does to them, replies, canned
responses, sources' health and report figures. Every object is checked against the brands
and role of the person behind the token or session, through the same services as the pages."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import roles
from api.errors import problem
from api.serializers import (
    AssignmentInput, CannedResponseSerializer, LabelInput, MentionDetailSerializer, MentionSerializer, ReplyInput,
    ReportFiguresSerializer, ResponseSerializer, SourceHealthSerializer, StatusInput,
)
from complaints import selectors as queue_selectors
from complaints import services as triage
from listening.models import Mention, Source
from responses import reports
from responses.models import CannedResponse
from responses.models import Response as Reply
from responses.report_views import ReportForm
from responses.services import ResponseError, response_create


class HasRole(permissions.BasePermission):
    """The view's `role` on at least one brand; each object is then checked on its own brand."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view):
        return roles.has_role(request.user, getattr(view, "role", roles.COMMUNITY_MANAGER))


class EcouteView(APIView):
    permission_classes = [permissions.IsAuthenticated, HasRole]
    role = roles.COMMUNITY_MANAGER

    def mention(self, pk: int) -> Mention:
        """The one access check for a mention: on a brand the person works on, else 404."""
        try:
            mention = queue_selectors.mention_for_page(pk=pk)
        except Mention.DoesNotExist:
            raise Http404 from None
        if not roles.has_brand_role(self.request.user, mention.brand_id, self.role):
            raise Http404
        return mention


QUEUE_PARAMETERS = [OpenApiParameter(name, str, description=text) for name, text in [
    ("brand", "Brand id"), ("platform", "Platform key, e.g. twitter"), ("label", "complaint, question, praise, other"),
    ("status", "new, open, waiting, resolved, ignored (default: every open status)"), ("language", "en or fr"),
    ("assignee", "me or none"), ("period", "24h, 7d or 30d"), ("q", "Full-text search"),
    ("order", "priority (default) or age"), ("after", "The `next` cursor of the previous page"),
]]


class MentionList(EcouteView):
    @extend_schema(parameters=QUEUE_PARAMETERS, responses=MentionSerializer(many=True),
                   summary="The queue: open mentions with the queue's filters, a page at a time")
    def get(self, request):
        filters = queue_selectors.queue_filters_from(request.query_params)
        mentions, cursor = queue_selectors.queue_mentions(filters=filters, user=request.user)
        next_url = ""
        if cursor:
            query = request.query_params.copy()
            query["after"] = cursor
            next_url = request.build_absolute_uri(request.path) + "?" + query.urlencode()
        return Response({"results": MentionSerializer(mentions, many=True).data, "next": next_url or None})


class MentionDetail(EcouteView):
    @extend_schema(responses=MentionDetailSerializer, summary="A mention with its events and replies")
    def get(self, request, pk: int):
        return Response(MentionDetailSerializer(self.mention(pk)).data)


class MentionAction(EcouteView):
    """POST one change; answers the mention as it is now."""

    def apply(self, request, mention, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        mention = self.mention(pk)
        serializer = self.input(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.apply(request, mention, serializer.validated_data)
        except triage.TriageError as error:
            return problem(str(error))
        return Response(MentionSerializer(queue_selectors.mention_for_page(pk=pk)).data)


class MentionLabel(MentionAction):
    input = LabelInput

    @extend_schema(request=LabelInput, responses=MentionSerializer, summary="Correct the label")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def apply(self, request, mention, data):
        triage.mention_label_correct(mention=mention, label=data["label"], actor=request.user)


class MentionStatus(MentionAction):
    input = StatusInput

    @extend_schema(request=StatusInput, responses=MentionSerializer, summary="Change the status (e.g. resolved)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def apply(self, request, mention, data):
        triage.mention_status_set(mention=mention, status=data["status"], actor=request.user)


class MentionAssignment(MentionAction):
    input = AssignmentInput

    @extend_schema(request=AssignmentInput, responses=MentionSerializer, summary="Assign or unassign")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def apply(self, request, mention, data):
        wanted, assignee = data["assignee"], None
        if wanted == "me":
            assignee = request.user
        elif wanted not in (None, ""):
            assignee = get_user_model().objects.filter(pk=int(wanted) if str(wanted).isdigit() else 0,
                                                       is_active=True).first()
            if assignee is None or not roles.has_brand_role(assignee, mention.brand_id):
                raise serializers.ValidationError(
                    {"assignee": [_("No one by that id works on this mention's brand.")]})
        triage.mention_assign(mention=mention, assignee=assignee, actor=request.user)


class MentionReplies(EcouteView):
    @extend_schema(responses=ResponseSerializer(many=True), summary="The mention's replies")
    def get(self, request, pk: int):
        return Response(ResponseSerializer(self.mention(pk).responses.all(), many=True).data)

    @extend_schema(request=ReplyInput, responses={201: ResponseSerializer, 200: ResponseSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER,
                                                description="Send the same key again to get the same reply back, "
                                                            "never a second one.")],
                   summary="Reply: queued, then sent exactly once as from the composer")
    def post(self, request, pk: int):
        mention = self.mention(pk)
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 200:
            return problem(_("The Idempotency-Key may be 200 characters long at most."))
        before = Reply.objects.filter(author=request.user, client_key=key).exists() if key else False
        try:
            reply = response_create(mention=mention, author=request.user, text=data.validated_data["text"],
                                    visibility=data.validated_data["visibility"], client_key=key)
        except ResponseError as error:
            return problem(str(error))
        return Response(ResponseSerializer(reply).data, status=200 if before else 201)


class CannedResponses(EcouteView):
    @extend_schema(parameters=[OpenApiParameter("brand", int), OpenApiParameter("language", str),
                               OpenApiParameter("label", str)],
                   responses=CannedResponseSerializer(many=True), summary="Active canned responses")
    def get(self, request):
        rows = CannedResponse.objects.filter(is_active=True).select_related("brand")
        brand_ids = roles.brand_ids_for(request.user)
        if brand_ids is not None:
            rows = rows.filter(brand_id__in=brand_ids) | rows.filter(brand__isnull=True)
        for name in ("language", "label"):
            if request.query_params.get(name):
                rows = rows.filter(**{name: request.query_params[name]})
        if request.query_params.get("brand", "").isdigit():
            rows = rows.filter(brand_id=int(request.query_params["brand"])) | rows.filter(brand__isnull=True)
        return Response(CannedResponseSerializer(rows.order_by("title"), many=True).data)


class SourcesHealth(EcouteView):
    role = roles.MANAGER

    @extend_schema(responses=SourceHealthSerializer(many=True), summary="Each source's health")
    def get(self, request):
        sources = roles.limit_to_brands(Source.objects.select_related("brand"), request.user, roles.MANAGER)
        return Response(SourceHealthSerializer(sources.order_by("brand__name", "pk"), many=True).data)


class ReportFigures(EcouteView):
    role = roles.MANAGER

    @extend_schema(parameters=[OpenApiParameter("brand", int, many=True), OpenApiParameter("start", str),
                               OpenApiParameter("end", str), OpenApiParameter("group", str)],
                   responses={200: ReportFiguresSerializer},
                   summary="The response-time report's figures: the same numbers as the page and its CSV")
    def get(self, request):
        form = ReportForm(request.query_params, user=request.user)
        if not form.is_valid():
            return problem(" ".join(str(e) for errors in form.errors.values() for e in errors))
        result = reports.report_build(filters=form.filters(), now=timezone.now())
        return Response({
            "brands": [b.slug for b in form.cleaned_data["brand"]],
            "start": result.filters.start, "end": result.filters.end, "group": result.filters.grouping,
            "as_of": result.now,
            "tables": {key: {"title": str(t.title), "headers": [str(h) for h in t.headers], "rows": t.rows,
                             "total": t.total, "unit": t.unit} for key, t in result.tables.items()},
        })
