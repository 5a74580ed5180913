"""`manage.py bench export` on a few hundred mentions: a real gunicorn with config/gunicorn.conf.py
streams the year's mentions.csv, which ends with its "End of export" line."""

import io
import json

import pytest
from django.core.management import call_command

from listening.models import Mention


@pytest.mark.django_db(transaction=True)  # the server process reads what the bench seeded
def test_small_run_downloads_a_complete_export_and_cleans_up():
    out = io.StringIO()
    call_command("bench", "export", "--mentions", "600", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["status"] == 200 and result["transfer_complete"] and result["says_complete"]
    assert result["rows"] == result["mentions_in_period"] > 0 and result["complete"]
    assert result["worker_peak_rss_mb"] > 0
    assert not Mention.objects.exists()
