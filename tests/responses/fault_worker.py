"""A real Celery worker for the fault tests, run as its own process so a test can kill it
with SIGKILL. The one fake is at the HTTP boundary: requests to X's API go to the fake X
server the test runs on 127.0.0.1 (FAKE_X_URL)."""

import os

import requests
from requests.adapters import HTTPAdapter

X_API = "https://api.twitter.com"
FAKE_X_URL = os.environ["FAKE_X_URL"]


class ToFakeX(HTTPAdapter):
    def send(self, request, **kwargs):
        request.url = FAKE_X_URL + request.url[len(X_API):]
        return super().send(request, **kwargs)


_session_init = requests.Session.__init__


def _with_fake_x(self, *args, **kwargs):
    _session_init(self, *args, **kwargs)
    self.mount(X_API + "/", ToFakeX())


requests.Session.__init__ = _with_fake_x

if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from config.celery import app

    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
                     "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"faults-{os.getpid()}@%h"])
