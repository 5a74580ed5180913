"""A WSGI app that streams for longer than gunicorn's timeout, for tests/config/test_server.py."""

import time

ROWS = 8


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])

    def rows():
        for n in range(ROWS):
            time.sleep(0.5)
            yield f"row {n}\n".encode()
        yield b"end\n"

    return rows()
