"""The one error every platform raises, fetching or sending, and the catalogue of what such an
error can say.

An error stored for people to read (a source's health, an invalid credential, a failed reply)
is stored as a code and its parameters, and translated when shown: the same failure reads in
French for one person and in English for another. Each platform declares its own messages as
`ErrorKind`s next to the code that raises them; `message` is the English text, for logs and for
rows stored before codes existed."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation
from django.utils.functional import Promise

_CATALOGUE: dict[str, "ErrorKind"] = {}


@dataclass(frozen=True)
class ErrorKind:
    """One thing a platform error can say: a code that never changes, and the translatable text
    (with %(name)s placeholders filled from the error's parameters)."""

    code: str
    text: Promise  # gettext_lazy(...), or ngettext_lazy(..., "<name of the number parameter>")

    def __post_init__(self):
        if _CATALOGUE.setdefault(self.code, self) is not self:
            raise ValueError(f"Two platform error kinds share the code {self.code!r}")

    def error(self, *, permanent: bool, needs_reauth: bool = False, retry_at: datetime | None = None,
              **params) -> "PlatformError":
        return PlatformError(_render(self.text, params, "en"), permanent=permanent, needs_reauth=needs_reauth,
                             retry_at=retry_at, code=self.code, params=params)

    def notice(self, **params) -> "Notice":
        return Notice(_render(self.text, params, "en"), code=self.code, params=params)


def _render(text, params: dict, language: str | None = None) -> str:
    shown = {name: error_text(value) if isinstance(value, dict) else value for name, value in params.items()}
    if language:
        with translation.override(language):
            return str(text % shown)
    return str(text % shown)  # `%` on the lazy text: ngettext_lazy(..., "count") picks its plural here


def error_text(detail: dict | None, text: str = "") -> str:
    """A stored error in the active language: detail is what `PlatformError.detail()` gave
    ({"code", "params"}), text the English message stored beside it. Rows stored before codes
    existed, or with a code this version no longer knows, show their stored text."""
    detail = detail or {}
    kind = _CATALOGUE.get(detail.get("code") or "")
    if kind is None:
        return detail.get("text") or text
    try:
        return _render(kind.text, dict(detail.get("params") or {}))
    except (KeyError, TypeError, ValueError):  # parameters from an older wording
        return detail.get("text") or text


@dataclass(frozen=True)
class Notice:
    """Something an admin should know about a poll that worked (shown in the source's health)."""

    message: str
    code: str = ""
    params: dict | None = None

    def detail(self) -> dict:
        return {"code": self.code, "params": self.params or {}} if self.code else {}


class PlatformError(Exception):
    """A request to a platform that failed, said in plain words for the person who must act.

    permanent: retrying won't help until a person acts (bad or revoked credentials, missing
    permission, deleted item, refused reply). needs_reauth: an admin must re-authorize the
    credential. retry_at: when the platform says it will accept requests again (rate limits).
    code and params: what to show people, in their language (see ErrorKind); an error made from
    a plain message has no code and is shown as that message."""

    def __init__(self, message: str, *, permanent: bool, needs_reauth: bool = False, retry_at: datetime | None = None,
                 code: str = "", params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_reauth = needs_reauth
        self.retry_at = retry_at
        self.code = code
        self.params = params or {}

    def detail(self) -> dict:
        """What a row keeps beside `message` to show this error later in the reader's language
        ({} for an error without a code). Nested in another error's parameters, it carries its
        text too."""
        return {"code": self.code, "params": self.params} if self.code else {}

    def nested(self) -> dict:
        """This error as a parameter of another one (e.g. why a credential needs new tokens)."""
        return {**self.detail(), "text": self.message}

    def shown(self) -> str:
        """The error in the active language."""
        return error_text(self.detail(), self.message)
