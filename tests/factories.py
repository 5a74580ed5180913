"""Every app's factories in one import: the factories live in tests/<app>/factories.py."""

from tests.accounts.factories import PASSWORD, UserFactory  # noqa: F401
from tests.complaints.factories import CrisisAlertFactory, CrisisSettingsFactory  # noqa: F401
from tests.integrations.factories import SubscriptionFactory  # noqa: F401
from tests.listening.factories import (  # noqa: F401
    FACEBOOK_PAGE_SECRETS,
    X_SENDING_SECRETS,
    AuthorFactory,
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    SourceFactory,
)
from tests.responses.factories import ResponseFactory  # noqa: F401
from tests.sla.factories import BusinessCalendarFactory, HolidayFactory, ShiftFactory, SLAPolicyFactory  # noqa: F401
