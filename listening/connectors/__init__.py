"""Platform connectors: one module per platform, one registry. Adding a platform is one
new module with a Connector subclass, plus a line here."""

from listening.choices import SourceKind
from listening.connectors.base import Connector, ConnectorError, FetchResult
from listening.connectors.facebook import FacebookPageConnector
from listening.connectors.feeds import FeedConnector
from listening.connectors.twitter import TwitterConnector

REGISTRY: dict[str, type[Connector]] = {
    SourceKind.X_SEARCH: TwitterConnector,
    SourceKind.X_MENTIONS: TwitterConnector,
    SourceKind.FACEBOOK_PAGE: FacebookPageConnector,
    SourceKind.FEED: FeedConnector,
}


def connector_for(source) -> Connector:
    try:
        return REGISTRY[source.kind]()
    except KeyError:
        raise ConnectorError(f"Sources of kind “{source.kind}” are not polled.", permanent=True) from None


__all__ = ["REGISTRY", "Connector", "ConnectorError", "FetchResult", "connector_for"]
