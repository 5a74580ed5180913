"""Personal API tokens: created (shown once), checked on each API request, revoked."""

import hashlib
import secrets

from django.utils import timezone

from accounts.models import ApiToken

TOKEN_PREFIX = "ecoute_"


def _digest(plain: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, no one can guess their way to a match.
    return hashlib.sha256(plain.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """The new token and its plain text, which is never stored and can't be shown again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100] or "API", prefix=plain[:12],
                                    key_hash=_digest(plain))
    return token, plain


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_check(*, plain: str) -> ApiToken | None:
    """The live token with this text (its owner active), or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user").filter(key_hash=_digest(plain), revoked_at__isnull=True,
                                                              user__is_active=True).first())
    if token is not None and (token.last_used_at is None or timezone.now() - token.last_used_at
                              > timezone.timedelta(minutes=1)):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
