"""Encryption of platform credentials at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from settings.CREDENTIALS_KEYS: the first encrypts, every key decrypts, so an
old key can stay listed while credentials are re-saved under a new one."""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured("CREDENTIALS_KEY must be Fernet keys: 32 url-safe base64-encoded bytes each.") from None


def encrypt_secrets(values: dict[str, str]) -> str:
    return _fernet(tuple(settings.CREDENTIALS_KEYS)).encrypt(json.dumps(values).encode()).decode()


def decrypt_secrets(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet(tuple(settings.CREDENTIALS_KEYS)).decrypt(token.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored credential cannot be decrypted: CREDENTIALS_KEY changed. "
            "List the old key after the new one (comma-separated) to keep reading it."
        ) from None
