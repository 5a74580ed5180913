"""Everything one platform means lives in its own package here (x/, facebook/, feeds/):
fetching, replying, webhooks, rules and error translation, behind the interface in base.py.
This package imports nothing from Écoute's apps; listening and responses use it through
registry.py."""
