"""The reply composer as a tag, so pages of the apps below responses (the mention page is
complaints') show it without importing responses."""

from django import template

from responses.composing import composer_context

register = template.Library()


@register.inclusion_tag("responses/partials/composer.html", takes_context=True)
def reply_composer(context, mention, draft: str = "", back_url: str = "") -> dict:
    """back_url: where the composer's forms come back to (the mention's page, or the inbox with
    the mention open in its pane)."""
    return {"mention": mention, "csrf_token": context.get("csrf_token"), "back_url": back_url,
            "composer": composer_context(mention=mention, agent=context["request"].user, draft=draft)}
