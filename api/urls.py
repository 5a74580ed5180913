"""/api/v1/…, the schema at /api/schema/ and its browsable documentation at /api/docs/. The API
authenticates itself (token or session), so the site-wide login redirect does not apply."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views


def _open(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("v1/mentions/", _open(views.MentionList), name="api-mentions"),
    path("v1/mentions/<int:pk>/", _open(views.MentionDetail), name="api-mention"),
    path("v1/mentions/<int:pk>/label/", _open(views.MentionLabel), name="api-mention-label"),
    path("v1/mentions/<int:pk>/status/", _open(views.MentionStatus), name="api-mention-status"),
    path("v1/mentions/<int:pk>/assignment/", _open(views.MentionAssignment), name="api-mention-assignment"),
    path("v1/mentions/<int:pk>/replies/", _open(views.MentionReplies), name="api-mention-replies"),
    path("v1/canned-responses/", _open(views.CannedResponses), name="api-canned-responses"),
    path("v1/sources/", _open(views.SourcesHealth), name="api-sources"),
    path("v1/reports/", _open(views.ReportFigures), name="api-reports"),
    path("schema/", _open(SpectacularAPIView), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
