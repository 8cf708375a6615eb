"""The secret in a reader's private feed address: signed, revoked by raising its generation."""
from django.core import signing
from django.urls import reverse

from parley.following.models import Preferences

FEED_SALT = "parley.following.feed"


def feed_token(user, generation: int) -> str:
    """The secret of a reader's private feed URL; raising the generation revokes older ones."""
    return signing.Signer(salt=FEED_SALT).sign(f"{user.pk}.{generation}")


def feed_owner(token: str):
    """Return the reader whose current private feed link this is, or None."""
    try:
        pk, generation = (int(x) for x in signing.Signer(salt=FEED_SALT).unsign(token).split("."))
    except (signing.BadSignature, ValueError):
        return None
    prefs = Preferences.objects.select_related("user").filter(user_id=pk, feed_generation=generation,
                                                              private_feed=True).first()
    if prefs is None or not prefs.user.is_active:
        return None
    return prefs.user


def private_feed_url(request) -> str | None:
    """The signed-in reader's private feed address (Atom), or None while it is off."""
    prefs = Preferences.objects.filter(user=request.user).first()
    if prefs is None or not prefs.private_feed:
        return None
    return request.build_absolute_uri(reverse("private-feed-atom", args=[feed_token(request.user, prefs.feed_generation)]))
