"""Every API error is JSON with one sentence a person can act on: {"error": "...", "fields": {...}}."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not on a brand you work on."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body = {"error": str(data["detail"])}
    elif isinstance(data, dict):
        fields = {key: [str(item) for item in (value if isinstance(value, list) else [value])]
                  for key, value in data.items()}
        first = next(iter(fields.values()), [""])[0]
        body = {"error": first or _("The request is not valid."), "fields": fields}
    else:
        body = {"error": " ".join(str(item) for item in data)}
    response.data = body
    return response


def problem(message: str, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"error": str(message)}, status=code)
