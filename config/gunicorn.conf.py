"""Gunicorn settings for the web container (Dockerfile and docker-compose.yml use this file).

Threaded workers: a sync worker is killed when one request outlives `timeout`, which cut
year-long mentions.csv exports at 30 s after a 200 had been sent. A threaded worker's main
loop keeps reporting to the arbiter while its threads serve, so `timeout` only catches a
worker that is really stuck, and a long export streams to its end."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "120"))  # lets exports end on a restart
keepalive = 5
accesslog = "-"
