"""Sending replies: one module per platform, one registry. Adding a platform is one new
module with a Sender subclass, plus a line here."""

from django.utils.translation import gettext as _

from listening.choices import Platform, SourceState
from listening.models import Credential
from responses.senders.base import Sender, SendError, same_text
from responses.senders.facebook import FacebookSender
from responses.senders.twitter import TwitterSender

REGISTRY: dict[str, type[Sender]] = {
    Platform.TWITTER: TwitterSender,
    Platform.FACEBOOK: FacebookSender,
}


def sending_credential(mention) -> Credential:
    """The credential a reply to this mention is sent with: its source's, else the brand's
    own for that platform. Raises a permanent SendError when sending must not be tried."""
    source = mention.source
    credential = source.credential if source is not None else None
    if credential is None:
        credential = (Credential.objects.filter(brand_id=mention.brand_id, platform=mention.platform)
                      .order_by("-is_valid", "pk").first())
    if credential is None:
        raise SendError(_("The brand has no credential for %(platform)s: an admin must add one before replies "
                          "can be sent.") % {"platform": Platform(mention.platform).label}, permanent=True)
    if not credential.is_valid or (source is not None and source.credential_id == credential.pk
                                   and source.state == SourceState.NEEDS_REAUTH):
        reason = credential.invalid_reason or (source.last_error if source is not None else "")
        message = _("Not sent: the credential “%(name)s” needs to be re-authorized by an admin.") % {"name": credential.name}
        raise SendError(f"{message} {reason}".strip(), permanent=True, needs_reauth=True)
    return credential


def sender_for(mention) -> Sender:
    """A ready sender for replies to this mention, or a permanent SendError saying why not."""
    if mention.platform == Platform.BLOG:
        raise SendError(_("Blog posts can't be answered from Écoute: reply on the blog itself, then record the "
                          "reply as handled elsewhere."), permanent=True)
    try:
        sender_class = REGISTRY[mention.platform]
    except KeyError:
        raise SendError(_("Replies to %(platform)s mentions can't be sent from Écoute.")
                        % {"platform": Platform(mention.platform).label}, permanent=True) from None
    return sender_class(sending_credential(mention))


__all__ = ["REGISTRY", "SendError", "Sender", "same_text", "sender_for", "sending_credential"]
