"""Facebook's settings (declared here, read from the environment by config/settings.py)."""

from platforms.settings import Setting

SETTINGS = (
    # facebook-sdk only knows long-retired Graph versions; graph.py sets this one on every client.
    Setting("FACEBOOK_GRAPH_VERSION", str, "v23.0", "The Graph API version every request uses."),
    Setting("FACEBOOK_WEBHOOK_VERIFY_TOKEN", str, "",
            "The token Meta sends back during the webhook subscription handshake (hub.verify_token)."),
    Setting("FACEBOOK_APP_SECRET", str, "",
            "The app secret signing webhook deliveries (a Page's credential may also carry its own)."),
    Setting("FACEBOOK_REQUESTS_PER_15_MIN", int, 600,
            "Graph API requests per 15 minutes for this installation, shared by all workers.", quota=True),
)
