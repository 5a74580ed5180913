"""The sender for a reply: the mention's platform (from the registry) with the credential the
reply is sent with."""

from django.utils.translation import gettext_lazy as _

from listening.choices import Platform, SourceState
from listening.models import Credential
from platforms.base import Sender
from platforms.errors import ErrorKind, PlatformError
from platforms.registry import PLATFORMS

NO_CREDENTIAL = ErrorKind("responses.no_credential", _(
    "The brand has no credential for %(platform)s: an admin must add one before replies can be sent."))
CREDENTIAL_NEEDS_REAUTH = ErrorKind("responses.credential_needs_reauth", _(
    "Not sent: the credential “%(name)s” needs to be re-authorized by an admin. %(reason)s"))
NOT_SENDABLE = ErrorKind("responses.not_sendable", _("Replies to %(platform)s mentions can't be sent from Écoute."))


def sending_credential(mention) -> Credential:
    """The credential a reply to this mention is sent with: its source's, else the brand's
    own for that platform. Raises a permanent PlatformError when sending must not be tried."""
    source = mention.source
    credential = source.credential if source is not None else None
    if credential is None:
        credential = (Credential.objects.filter(brand_id=mention.brand_id, platform=mention.platform)
                      .order_by("-is_valid", "pk").first())
    if credential is None:
        raise NO_CREDENTIAL.error(permanent=True, platform=str(Platform(mention.platform).label))
    if not credential.is_valid or (source is not None and source.credential_id == credential.pk
                                   and source.state == SourceState.NEEDS_REAUTH):
        if credential.invalid_reason or source is None:
            reason = {**credential.invalid_detail, "text": credential.invalid_reason}
        else:
            reason = {**source.last_error_detail, "text": source.last_error}
        raise CREDENTIAL_NEEDS_REAUTH.error(permanent=True, needs_reauth=True, name=credential.name, reason=reason)
    return credential


def sender_for(mention) -> Sender:
    """A ready sender for replies to this mention, or a permanent PlatformError saying why not."""
    found = PLATFORMS.get(mention.platform)
    if found is not None and found.sender is None and found.no_reply_reason:
        raise PlatformError(str(found.no_reply_reason), permanent=True)
    if found is None or found.sender is None:
        raise NOT_SENDABLE.error(permanent=True, platform=str(Platform(mention.platform).label))
    return found.sender(sending_credential(mention))
