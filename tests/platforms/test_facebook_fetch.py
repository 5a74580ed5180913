from listening.choices import SourceState
from listening.models import Mention, Source
from listening.polling import source_poll
from tests.platforms.fakes import graph_comment, graph_error, graph_post

FEED = "https://graph.facebook.com/v23.0/104857600000001/feed"
TAGGED = "https://graph.facebook.com/v23.0/104857600000001/tagged"
JSON = {"Content-Type": "application/json; charset=UTF-8"}


def test_posts_and_comments_are_stored_with_a_current_graph_version(http, fb_source):
    post = graph_post(comments=[graph_comment("104857600000001_1_9"), graph_comment("104857600000001_1_10",
                                                                                     parent="104857600000001_1_9")])
    http.get(FEED, json={"data": [post], "paging": {}}, headers=JSON)
    http.get(TAGGED, json={"data": []}, headers=JSON)
    result = source_poll(source_id=fb_source.pk)
    assert (result.new, result.errors) == (3, [])
    reply = Mention.objects.get(external_id="104857600000001_1_10")
    assert reply.in_reply_to_id == "104857600000001_1_9" and reply.conversation_id == "104857600000001_1"
    assert http.request_history[0].qs["access_token"] == ["eaab-page"]
    assert Source.objects.get(pk=fb_source.pk).cursor["since"] > 0


def test_the_pages_own_posts_are_not_queued(http, fb_source):
    own = graph_post(post_id="104857600000001_2", message="Nouvelle LumiBox 7 !", **{"from": {"id": "104857600000001", "name": "Lumio"}})
    http.get(FEED, json={"data": [own]}, headers=JSON)
    http.get(TAGGED, json={"data": []}, headers=JSON)
    result = source_poll(source_id=fb_source.pk)
    assert (result.new, result.own) == (0, 1)


def test_expired_token_is_recognized_by_its_code_not_its_words(http, fb_source):
    http.get(FEED, status_code=400, json=graph_error(190, 463, message="Ce texte peut changer d'une version à l'autre"), headers=JSON)
    source_poll(source_id=fb_source.pk)
    source = Source.objects.get(pk=fb_source.pk)
    assert source.state == SourceState.NEEDS_REAUTH
    assert "error 190/463" in source.last_error and "new Page access token" in source.last_error


def test_missing_permission_pauses_the_source(http, fb_source):
    http.get(FEED, status_code=403, json=graph_error(200, message="Requires pages_read_engagement"), headers=JSON)
    source_poll(source_id=fb_source.pk)
    source = Source.objects.get(pk=fb_source.pk)
    assert source.state == SourceState.PAUSED and "pages_read_engagement" in source.last_error


def test_a_graph_rate_limit_is_transient(http, fb_source):
    http.get(FEED, status_code=400, json=graph_error(32, message="Page request limit reached"), headers=JSON)
    source_poll(source_id=fb_source.pk)
    source = Source.objects.get(pk=fb_source.pk)
    assert source.state == SourceState.FAILING and source.retry_not_before is not None


def test_a_response_without_content_type_is_transient(http, fb_source):
    http.get(FEED, status_code=200, content=b"")
    source_poll(source_id=fb_source.pk)
    assert "could not read" in Source.objects.get(pk=fb_source.pk).last_error


def test_an_html_error_page_is_transient(http, fb_source):
    http.get(FEED, status_code=502, text="<html>Bad gateway</html>", headers={"Content-Type": "text/html"})
    source_poll(source_id=fb_source.pk)
    assert Source.objects.get(pk=fb_source.pk).state == SourceState.FAILING


def test_the_pages_own_reply_to_a_comment_is_its_response_not_a_mention(http, fb_source):
    from listening.choices import EventKind
    from responses.models import Response, ResponseChannel

    customer = graph_comment("104857600000001_1_9", message="Toujours pas de fibre chez moi")
    answer = graph_comment("104857600000001_1_11", message="Bonjour, nous regardons votre ligne.",
                           sender=("104857600000001", "Lumio"), parent="104857600000001_1_9")
    http.get(FEED, json={"data": [graph_post(comments=[customer, answer])]}, headers=JSON)
    http.get(TAGGED, json={"data": []}, headers=JSON)
    result = source_poll(source_id=fb_source.pk)
    assert (result.new, result.own) == (2, 1)  # the post and the customer's comment; the Page's answer is ours
    assert not Mention.objects.filter(external_id="104857600000001_1_11").exists()
    comment = Mention.objects.get(external_id="104857600000001_1_9")
    response = Response.objects.get(mention=comment)
    assert (response.channel, response.platform_reply_id) == (ResponseChannel.PLATFORM, "104857600000001_1_11")
    assert comment.first_response_at is not None and comment.events.filter(kind=EventKind.REPLIED).count() == 1
    # Polling it again records nothing twice.
    source_poll(source_id=Source.objects.get(pk=fb_source.pk).pk)
    assert Response.objects.filter(mention=comment).count() == 1
