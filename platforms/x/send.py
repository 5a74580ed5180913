"""Replies on X through tweepy's API v2 Client, as the brand's account (OAuth 1.0a user
context): a public reply is a post with in_reply_to_tweet_id, a private one a direct
message to the mention's author."""

import tweepy

from platforms.base import PRIVATE, Sender
from platforms.http import TimeoutSession
from platforms.quota import quota_take
from platforms.replies import same_text
from platforms.x.errors import CANNOT_REPLY, KEY, NO_AUTHOR, SEND_SECRETS, send_error

MAX_PAGES = 3  # of the brand's recent posts or messages, when looking for a reply


class XSender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        secrets = credential.secrets
        if not all(secrets.get(name) for name in SEND_SECRETS):
            raise CANNOT_REPLY.error(permanent=True, name=credential.name)
        self.client = tweepy.Client(
            consumer_key=secrets["consumer_key"], consumer_secret=secrets["consumer_secret"],
            access_token=secrets["access_token"], access_token_secret=secrets["access_token_secret"],
            return_type=dict, wait_on_rate_limit=False,  # never sleep inside a worker
        )
        self.client.session = TimeoutSession()
        self._brand_user_id = None

    def check(self, *, mention, visibility: str) -> None:
        if visibility == PRIVATE and not (mention.author_id and mention.author.external_id):
            raise NO_AUTHOR.error(permanent=True)

    def send(self, response) -> str:
        mention = response.mention
        visibility = response.visibility
        try:
            quota_take(KEY)
            if visibility == PRIVATE:
                sent = self.client.create_direct_message(participant_id=mention.author.external_id,
                                                         text=response.text, user_auth=True)
                return str(sent["data"]["dm_event_id"])
            sent = self.client.create_tweet(text=response.text, in_reply_to_tweet_id=mention.external_id, user_auth=True)
            return str(sent["data"]["id"])
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise send_error(error, self.credential, visibility) from error

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        try:
            if response.visibility == PRIVATE:
                return self._find_message(response, exclude)
            return self._find_reply(response, exclude)
        except Exception as error:  # noqa: BLE001
            raise send_error(error, self.credential, response.visibility) from error

    def brand_user_id(self) -> str:
        """The brand account's X id. OAuth 1.0a access tokens start with it ("123-abc"),
        which saves a request; other tokens are looked up once."""
        if self._brand_user_id is None:
            prefix = self.client.access_token.partition("-")[0]
            if prefix.isdigit():
                self._brand_user_id = prefix
            else:
                quota_take(KEY)
                self._brand_user_id = str(self.client.get_me(user_auth=True)["data"]["id"])
        return self._brand_user_id

    def _find_reply(self, response, exclude: set[str]) -> str | None:
        """The brand's posts since the mention, looking for one replying to it with this text."""
        mention, token = response.mention, None
        for _page in range(MAX_PAGES):
            quota_take(KEY)
            page = self.client.get_users_tweets(
                self.brand_user_id(), since_id=mention.external_id, max_results=100,
                tweet_fields=["referenced_tweets", "created_at"], user_auth=True,
                **({"pagination_token": token} if token else {}),
            )
            for tweet in page.get("data") or []:
                replied_to = {str(r.get("id")) for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"}
                if (mention.external_id in replied_to and str(tweet["id"]) not in exclude
                        and same_text(response.text, tweet.get("text", ""))):
                    return str(tweet["id"])
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return None
        return None

    def _find_message(self, response, exclude: set[str]) -> str | None:
        """The conversation with the author, looking for a message the brand sent with this text."""
        brand_id, token = self.brand_user_id(), None
        for _page in range(MAX_PAGES):
            quota_take(KEY)
            page = self.client.get_direct_message_events(
                participant_id=response.mention.author.external_id, max_results=50, event_types="MessageCreate",
                dm_event_fields=["id", "text", "sender_id", "created_at"], user_auth=True,
                **({"pagination_token": token} if token else {}),
            )
            for event in page.get("data") or []:
                if (str(event.get("sender_id")) == brand_id and str(event["id"]) not in exclude
                        and same_text(response.text, event.get("text", ""))):
                    return str(event["id"])
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return None
        return None
