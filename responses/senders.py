"""The sender for a reply: the mention's platform (from the registry) with the credential the
reply is sent with — or, when that credential is the demo's sandbox, the sandbox, while the
mention's platform rules (lengths, one private reply) still apply."""

from django.utils.translation import gettext_lazy as _

from listening.choices import Platform, SourceState
from listening.models import Credential
from platforms.base import Sender
from platforms.errors import ErrorKind, PlatformError
from platforms.registry import PLATFORMS

NO_CREDENTIAL = ErrorKind("responses.no_credential", _(
    "Replies on %(platform)s need the brand's account keys — ask an admin."))
CREDENTIAL_NEEDS_REAUTH = ErrorKind("responses.credential_needs_reauth", _(
    "Not sent: the credential “%(name)s” needs to be re-authorized by an admin. %(reason)s"))
NOT_SENDABLE = ErrorKind("responses.not_sendable", _("Replies to %(platform)s mentions can't be sent from Écoute."))
STAND_INS = [p.key for p in PLATFORMS.values() if p.answers_any_platform]


def sending_credential(mention) -> Credential:
    """The credential a reply to this mention is sent with: its source's, else the brand's
    own for that platform, else the brand's sandbox (the demo's, which answers any platform).
    Raises a permanent PlatformError when sending must not be tried."""
    source = mention.source
    credential = source.credential if source is not None else None
    if credential is None:
        brand_credentials = Credential.objects.filter(brand_id=mention.brand_id).order_by("-is_valid", "pk")
        credential = (brand_credentials.filter(platform=mention.platform).first()
                      or brand_credentials.filter(platform__in=STAND_INS).first())  # the demo's sandbox
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
    credential = sending_credential(mention)
    through = PLATFORMS.get(credential.platform)
    if through is not None and through.answers_any_platform:  # the demo's sandbox
        return through.sender(credential)
    return found.sender(credential)
