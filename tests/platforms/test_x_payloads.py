"""What real X API v2 answers showed: a since_id older than recent search's 7-day window,
credits used up (402), and texts sent HTML-escaped."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from django.utils import translation

from listening.choices import SourceState
from listening.models import Mention, Source
from listening.polling import source_poll, source_resume
from tests.platforms.fakes import SEARCH_URL, search_page, tweet

# An id X gave a post on 2026-11-20 (X ids carry their creation time above bit 22).
OLD_SINCE_ID = str(int((datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc).timestamp() * 1000 - 1288834974657)) << 22)


def _stale_since_id_error(since_id):
    # Recent search's answer to a since_id from before its window: an invalid-request problem
    # whose error names the parameter.
    return {
        "errors": [{"parameters": {"since_id": [since_id]},
                    "message": f"Invalid 'since_id':'{since_id}'. 'since_id' must be a tweet id created after "
                               "2026-11-29T10:00:00Z. Please use a 'start_time' instead."}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def _query(request) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}


def test_a_since_id_older_than_the_search_window_recovers_by_itself(http, x_source):
    x_source.cursor = {"since_id": OLD_SINCE_ID}
    x_source.save()
    http.get(SEARCH_URL, [{"status_code": 400, "json": _stale_since_id_error(OLD_SINCE_ID)},
                          {"json": search_page([tweet(1900000000000000002)])}])
    result = source_poll(source_id=x_source.pk)
    assert result.new == 1 and result.errors == []
    retried = _query(http.request_history[1])
    assert "since_id" not in retried
    start = datetime.fromisoformat(retried["start_time"].replace("Z", "+00:00"))
    assert timedelta(days=6, hours=23) < datetime.now(timezone.utc) - start < timedelta(days=7)
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.HEALTHY and source.cursor == {"since_id": "1900000000000000002"}
    assert "2026-11-20 09:00 UTC" in source.notice and "skipped" in source.notice and source.notice_at
    with translation.override("fr"):
        assert "ignorées" in source.notice_shown


def test_any_other_bad_request_still_pauses_the_source(http, x_source):
    x_source.cursor = {"since_id": "1900000000000000001"}
    x_source.save()
    http.get(SEARCH_URL, status_code=400, json={
        "errors": [{"parameters": {"query": ["Lumio OR"]}, "message": "There were errors processing your request: "
                    "Ambiguous use of or as a keyword (at position 7)"}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request"})
    source_poll(source_id=x_source.pk)
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.PAUSED and "Fix the source's query" in source.last_error
    assert http.call_count == 1


def test_credits_used_up_pause_the_source_and_tell_the_admins_once(http, x_source, admin_user, mailoutbox):
    admin_user.email = "alex@lumio.example"
    admin_user.save()
    http.get(SEARCH_URL, status_code=402, json={
        "title": "CreditsDepleted", "type": "https://api.twitter.com/2/problems/credits",
        "detail": "Your enrolled account does not have any credits to fulfill this request."})
    source_poll(source_id=x_source.pk)
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.PAUSED and source.retry_not_before is None
    assert "no credits left" in source.last_error and "developer portal" in source.last_error
    assert source_poll(source_id=x_source.pk).skipped == "paused"
    assert http.call_count == 1 and len(mailoutbox) == 1 and "no credits left" in mailoutbox[0].body
    with translation.override("fr"):
        assert "crédits" in source.last_error_shown


def test_texts_are_stored_as_characters_not_html_entities(http, x_source):
    http.get(SEARCH_URL, json=search_page([tweet(80, text="Box &amp; décodeur HS, débit &lt; 1 Mb/s &gt;:( @LumioFR")]))
    source_poll(source_id=x_source.pk)
    assert Mention.objects.get(external_id="80").text == "Box & décodeur HS, débit < 1 Mb/s >:( @LumioFR"


def test_resume_after_a_pause_with_a_stale_cursor_reads_again(http, x_source):
    # A source paused by the old behaviour keeps its stale cursor: resuming now recovers.
    Source.objects.filter(pk=x_source.pk).update(cursor={"since_id": OLD_SINCE_ID}, state=SourceState.PAUSED)
    source_resume(source=x_source)
    http.get(SEARCH_URL, [{"status_code": 400, "json": _stale_since_id_error(OLD_SINCE_ID)},
                          {"json": search_page([tweet(1900000000000000003)])}])
    assert source_poll(source_id=x_source.pk).new == 1
